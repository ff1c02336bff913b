// The voice page: the microphone to the relay, the relay's audio to the speaker, both sides' transcripts.
// No key ever reaches this page: the relay holds it.

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
    connect();
  } catch (e) {
    fail('Could not start: ' + e.message);
  }
}

function connect() {
  const url = new URL('ws', location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
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
}

function fromRelay(m) {
  switch (m.type) {
    case 'ready':
      stats.state = 'recording';
      stats.sessionId = m.session;
      $('stop').disabled = false;
      status('Listening. Speak; speak again to interrupt.');
      capture.port.onmessage = (e) => {
        $('level').value = Math.min(1, e.data.rms * 4);
        if (ws.readyState === WebSocket.OPEN) {
          stats.captured += e.data.pcm.byteLength / 2;
          ws.send(e.data.pcm);
        }
      };
      break;
    case 'clear':
      player.port.postMessage({ cmd: 'clear' }); // the player answers with what it had played
      break;
    case 'transcript':
      transcript(m.speaker, m.itemId, m.text, m.done);
      break;
    case 'speech_started':
      status('Hearing you…');
      break;
    case 'speech_stopped':
      status('Thinking…');
      break;
    case 'interruption':
      stats.interruptions.push(m);
      lines.get(m.itemId)?.classList.add('cut');
      break;
    case 'latency':
      stats.latencies.push(m);
      if (m.kind === 'voice_to_voice') {
        const li = document.createElement('li');
        li.textContent = 'voice to voice ' + Math.round(m.ms) + ' ms';
        $('latency').append(li);
      }
      break;
    case 'turn_done':
      stats.turns++;
      status('Listening. Speak; speak again to interrupt.');
      break;
    case 'error':
      stats.errors.push(m.message);
      status('Error: ' + m.message);
      break;
    case 'ended':
      stats.ended = m.reason;
      break;
  }
}

function fromPlayer(m) {
  if (m.type === 'played') {
    stats.played = m.played;
    stats.queued = m.queued;
    send({ type: 'played', frames: m.played });
  } else if (m.type === 'cleared') {
    stats.played = m.played;
    stats.clears.push({ played: m.played, dropped: m.dropped });
    send({ type: 'cleared', played: m.played });
  } else if (m.type === 'onset') {
    stats.onsets.push(m.at);
  }
}

function send(message) {
  if (ws && ws.readyState === WebSocket.OPEN) {
    ws.send(JSON.stringify(message));
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
  send({ type: 'stop' });
  ws?.close(1000, 'stopped');
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
