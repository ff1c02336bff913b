// The page's second mode: it speaks the Realtime protocol itself, straight to the service, with a key the relay
// minted for this page's session (POST /session). The key expires within minutes; the relay's own key never
// comes here. Barge-in is the page's: on speech_started it clears its player and truncates the answer at what
// the player says it played — the same rule as the relay's voice session (the server's VAD cancels the response).

function base64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

function unbase64(text) {
  const s = atob(text);
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    bytes[i] = s.charCodeAt(i);
  }
  return bytes.buffer;
}

/** Asks the relay for a key, then connects; resolves to the link the page drives. */
export async function directLink({ ctx, settings, ui, stats }) {
  ui.status('Asking the relay for a key…');
  const res = await fetch('session' + location.search, { // the page's query carries a sign-in token, if any
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(settings),
  });
  const text = await res.text();
  let key;
  try {
    key = JSON.parse(text);
  } catch (notJson) {
    key = { error: text.trim() };
  }
  if (!res.ok) {
    throw new Error(key.error || 'the relay minted no key (' + res.status + ')');
  }
  stats.key = { value: key.value, expiresAt: key.expiresAt, url: key.url };
  const rate = key.sampleRate;
  const ws = new WebSocket(key.url, ['realtime', 'openai-insecure-api-key.' + key.value]);

  // The player's queue, in samples: where each answer item starts in it, and how much of each arrived.
  let enqueued = 0;
  const items = new Map(); // item id -> { start, received }
  let playing = null;      // the item whose audio was enqueued last
  let truncating = false;

  const send = (event) => {
    if (ws.readyState === WebSocket.OPEN) {
      ws.send(JSON.stringify(event));
    }
  };

  ws.onopen = () => ui.status('Connecting to the model…');
  ws.onerror = () => ui.error('the service refused the connection (is the key expired?)');
  ws.onclose = (e) => ui.ended(e.reason || 'closed (' + e.code + ')');
  ws.onmessage = (e) => {
    const m = JSON.parse(e.data);
    switch (m.type) {
      case 'session.created':
        ui.ready(m.session && m.session.id);
        break;
      case 'response.output_audio.delta':
      case 'response.audio.delta': {
        const pcm = unbase64(m.delta);
        let item = items.get(m.item_id);
        if (!item) {
          item = { start: enqueued, received: 0, cut: false };
          items.set(m.item_id, item);
        }
        if (item.cut) {
          break; // late audio of an interrupted answer never plays
        }
        playing = m.item_id;
        item.received += pcm.byteLength / 2;
        enqueued += pcm.byteLength / 2;
        ui.play(pcm);
        break;
      }
      case 'response.output_audio_transcript.delta':
      case 'response.audio_transcript.delta':
        ui.transcript('assistant', m.item_id, m.delta, false);
        break;
      case 'response.output_audio_transcript.done':
      case 'response.audio_transcript.done':
        ui.transcript('assistant', m.item_id, m.transcript, true);
        break;
      case 'conversation.item.input_audio_transcription.completed':
        ui.transcript('user', m.item_id, m.transcript, true);
        break;
      case 'input_audio_buffer.speech_started':
        ui.status('Hearing you…');
        if (playing && !truncating && enqueued > stats.played) {
          truncating = true;
          ui.clear(); // the player answers with its count: cleared() below truncates there
        }
        break;
      case 'input_audio_buffer.speech_stopped':
        ui.status('Thinking…');
        break;
      case 'response.done':
        ui.turnDone();
        break;
      case 'error':
        ui.error('service: ' + (m.error && m.error.message));
        break;
    }
  };

  return {
    audio: (pcm) => send({ type: 'input_audio_buffer.append', audio: base64(new Uint8Array(pcm)) }),
    played: () => {},
    cleared: (m) => {
      truncating = false;
      const item = items.get(playing);
      enqueued = m.played; // what was queued and not played is gone
      if (!item || item.cut) {
        return;
      }
      item.cut = true;
      const heard = Math.max(0, Math.min(m.played - item.start, item.received));
      const audioEndMs = Math.floor(heard * 1000 / rate);
      if (audioEndMs > 0) {
        send({ type: 'conversation.item.truncate', item_id: playing, content_index: 0, audio_end_ms: audioEndMs });
      } else {
        send({ type: 'conversation.item.delete', item_id: playing });
      }
      ui.interrupted({ itemId: playing, playedMs: audioEndMs, receivedMs: Math.floor(item.received * 1000 / rate), deleted: audioEndMs === 0 });
      playing = null;
    },
    stop: () => ws.close(1000, 'stopped'),
  };
}
