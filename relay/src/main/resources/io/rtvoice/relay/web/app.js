// The voice page: the microphone to the relay, the relay's audio to the speaker, both sides' transcripts.
// Through the relay, no key ever reaches this page: the relay holds it. Directly (when the relay offers it), the page
// gets a key minted for its session alone, which expires within minutes.

import { directLink } from './direct.js';

const $ = (id) => document.getElementById(id);

/** What a test (or a curious user, in the console) can read. */
const stats = window.stats = {
  state: 'idle', turns: 0, captured: 0, played: 0, queued: 0, onsets: [], clears: [], interruptions: [],
  transcript: [], latencies: [], errors: [], ended: null, sessionId: null, sampleRate: 0,
};

let config = { sampleRate: 24000, pageMaySetSession: true };
let ctx = null;
let micStream = null;
let capture = null;
let player = null;
let ws = null;
let link = null;
const lines = new Map(); // item id -> transcript line element

function status(text) {
  $('status').textContent = text;
}

async function loadConfig() {
  try {
    const res = await fetch('config', { cache: 'no-store' });
    config = await res.json();
    $('instructions').value = config.instructions || '';
    $('voice').value = config.voice || 'alloy';
    $('vad').value = config.vad || 'server_vad';
    $('mode-row').hidden = !config.direct;
    if (config.direct && new URLSearchParams(location.search).get('mode') === 'direct') {
      $('mode').value = 'direct';
    }
    $('settings').querySelectorAll('textarea, input, select').forEach((el) => { el.disabled = !config.pageMaySetSession; });
  } catch (e) {
    status('The relay did not answer: ' + e);
  }
}

function sessionSettings() {
  const vad = $('vad').value === 'semantic_vad' ? { type: 'semantic_vad' } : {
    type: 'server_vad',
    threshold: Number($('threshold').value),
    prefixPaddingMs: Number($('prefix').value),
    silenceDurationMs: Number($('silence').value),
  };
  return { instructions: $('instructions').value, voice: $('voice').value, vad };
}

async function record() {
  $('record').disabled = true;
  stats.state = 'connecting';
  status('Starting the microphone…');
  try {
    // The context runs at the session's rate, so the browser resamples the microphone and nothing else does.
    ctx = new AudioContext({ sampleRate: config.sampleRate, latencyHint: 'interactive' });
    await ctx.audioWorklet.addModule('worklets.js');
    micStream = await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true, channelCount: 1 },
    });
    player = new AudioWorkletNode(ctx, 'player', { numberOfInputs: 0, outputChannelCount: [1] });
    player.connect(ctx.destination);
    player.port.onmessage = (e) => fromPlayer(e.data);
    capture = new AudioWorkletNode(ctx, 'capture', { numberOfOutputs: 0 });
    ctx.createMediaStreamSource(micStream).connect(capture);
    await ctx.resume();
    stats.sampleRate = ctx.sampleRate;
    link = $('mode').value === 'direct' ? await directLink({ ctx, settings: sessionSettings(), ui, stats }) : relayLink();
  } catch (e) {
    fail('Could not start: ' + e.message);
  }
}

/** Through the relay: audio both ways over the relay's socket; the relay runs the voice session. */
function relayLink() {
  const url = new URL('ws', location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  url.search = location.search; // a sign-in token in the page's address reaches the relay's authorizer
  ws = new WebSocket(url);
  ws.binaryType = 'arraybuffer';
  ws.onopen = () => {
    status('Connecting to the model…');
    const latency = (ctx.baseLatency || 0) + (ctx.outputLatency || 0);
    ws.send(JSON.stringify({ type: 'start', sampleRate: ctx.sampleRate, outputLatencyMs: latency * 1000, ...sessionSettings() }));
  };
  ws.onmessage = (e) => {
    if (typeof e.data === 'string') {
      fromRelay(JSON.parse(e.data));
    } else {
      player.port.postMessage({ cmd: 'audio', pcm: e.data }, [e.data]);
    }
  };
  ws.onclose = (e) => ended(e.reason || 'closed (' + e.code + ')');
  ws.onerror = () => stats.errors.push('socket error');
  return {
    audio: (pcm) => send(pcm),
    played: (m) => send({ type: 'played', frames: m.played }),
    cleared: (m) => send({ type: 'cleared', played: m.played }),
    stop: () => {
      send({ type: 'stop' });
      ws.close(1000, 'stopped');
    },
  };
}

/** The UI's side of a link: what both modes show. */
const ui = {
  ready(sessionId) {
    stats.state = 'recording';
    stats.sessionId = sessionId;
    $('stop').disabled = false;
    status('Listening. Speak; speak again to interrupt.');
    capture.port.onmessage = (e) => {
      $('level').value = Math.min(1, e.data.rms * 4);
      if (stats.state === 'recording') {
        stats.captured += e.data.pcm.byteLength / 2;
        link.audio(e.data.pcm);
      }
    };
  },
  play: (pcm) => player.port.postMessage({ cmd: 'audio', pcm }, [pcm]),
  clear: () => player.port.postMessage({ cmd: 'clear' }), // the player answers with what it had played
  transcript,
  status,
  interrupted(m) {
    stats.interruptions.push(m);
    lines.get(m.itemId)?.classList.add('cut');
  },
  latency(m) {
    stats.latencies.push(m);
    if (m.kind === 'voice_to_voice') {
      const li = document.createElement('li');
      li.textContent = 'voice to voice ' + Math.round(m.ms) + ' ms';
      $('latency').append(li);
    }
  },
  turnDone() {
    stats.turns++;
    status('Listening. Speak; speak again to interrupt.');
  },
  error(message) {
    stats.errors.push(message);
    status('Error: ' + message);
  },
  ended,
};

function fromRelay(m) {
  switch (m.type) {
    case 'ready': ui.ready(m.session); break;
    case 'clear': ui.clear(); break;
    case 'transcript': ui.transcript(m.speaker, m.itemId, m.text, m.done); break;
    case 'speech_started': ui.status('Hearing you…'); break;
    case 'speech_stopped': ui.status('Thinking…'); break;
    case 'interruption': ui.interrupted(m); break;
    case 'latency': ui.latency(m); break;
    case 'turn_done': ui.turnDone(); break;
    case 'error': ui.error(m.message); break;
    case 'ended': stats.ended = m.reason; break;
  }
}

function fromPlayer(m) {
  if (m.type === 'played') {
    stats.played = m.played;
    stats.queued = m.queued;
    link?.played(m);
  } else if (m.type === 'cleared') {
    stats.played = m.played;
    stats.clears.push({ played: m.played, dropped: m.dropped });
    link?.cleared(m);
  } else if (m.type === 'onset') {
    stats.onsets.push(m.at);
  }
}

function send(message) {
  if (ws && ws.readyState === WebSocket.OPEN) {
    ws.send(message instanceof ArrayBuffer ? message : JSON.stringify(message));
  }
}

function transcript(speaker, itemId, text, done) {
  let line = lines.get(itemId);
  if (!line) {
    line = document.createElement('p');
    line.className = 'line ' + speaker;
    line.innerHTML = '<span class="who"></span><span class="text"></span>';
    line.querySelector('.who').textContent = speaker === 'user' ? 'You' : 'Model';
    lines.set(itemId, line);
    $('transcript').append(line);
    stats.transcript.push({ speaker, itemId, text: '', done: false });
  }
  const entry = stats.transcript.find((t) => t.itemId === itemId);
  entry.text = done ? text : entry.text + text;
  entry.done = entry.done || done;
  line.querySelector('.text').textContent = entry.text;
}

function stop() {
  $('stop').disabled = true;
  link?.stop();
  ended('stopped');
}

function ended(reason) {
  if (stats.state === 'stopped') {
    return;
  }
  stats.state = 'stopped';
  stats.ended = stats.ended || reason;
  micStream?.getTracks().forEach((t) => t.stop());
  ctx?.close();
  $('record').disabled = false;
  $('stop').disabled = true;
  $('level').value = 0;
  status('Stopped (' + stats.ended + '). Press Record to talk again.');
}

function fail(text) {
  stats.errors.push(text);
  status(text);
  ended(text);
}

$('record').addEventListener('click', () => {
  Object.assign(stats, { state: 'idle', ended: null });
  record();
});
$('stop').addEventListener('click', stop);
$('vad').addEventListener('change', () => { $('server-vad').hidden = $('vad').value !== 'server_vad'; });
loadConfig();
