// The page's two audio worklets, on the audio rendering thread.

const ONSET_SILENCE = 0.2; // seconds of digital silence before a sound counts as a new answer starting

/** The microphone: 20 ms chunks of PCM16 (the context runs at the session's rate) and their level. */
class CaptureProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    this.chunk = new Int16Array(Math.round(sampleRate / 50));
    this.filled = 0;
    this.sumSquares = 0;
  }

  process(inputs) {
    const input = inputs[0] && inputs[0][0];
    if (!input) {
      return true;
    }
    for (let i = 0; i < input.length; i++) {
      const s = Math.max(-1, Math.min(1, input[i]));
      this.sumSquares += s * s;
      this.chunk[this.filled++] = s < 0 ? Math.round(s * 32768) : Math.round(s * 32767);
      if (this.filled === this.chunk.length) {
        const rms = Math.sqrt(this.sumSquares / this.filled);
        this.port.postMessage({ pcm: this.chunk.buffer, rms }, [this.chunk.buffer]);
        this.chunk = new Int16Array(this.filled);
        this.filled = 0;
        this.sumSquares = 0;
      }
    }
    return true;
  }
}

/**
 * The speaker: plays PCM16 chunks in order and counts the samples it really output (never the silence it
 * makes when it has nothing), which the relay truncates by. {cmd:'clear'} drops what is queued and answers
 * with the count at that moment.
 */
class PlayerProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    this.queue = [];
    this.head = 0;        // read position in queue[0]
    this.queued = 0;
    this.played = 0;
    this.reported = 0;
    this.quanta = 0;
    this.zeros = Infinity; // digital silence played since the last sound, in samples
    this.port.onmessage = (e) => {
      const m = e.data;
      if (m.cmd === 'audio') {
        const chunk = new Int16Array(m.pcm);
        this.queue.push(chunk);
        this.queued += chunk.length;
      } else if (m.cmd === 'clear') {
        const dropped = this.queued;
        this.queue = [];
        this.head = 0;
        this.queued = 0;
        this.port.postMessage({ type: 'cleared', played: this.played, dropped });
      }
    };
  }

  process(inputs, outputs) {
    const out = outputs[0][0];
    let n = 0;
    while (n < out.length && this.queue.length > 0) {
      const chunk = this.queue[0];
      const take = Math.min(out.length - n, chunk.length - this.head);
      for (let i = 0; i < take; i++) {
        const s = chunk[this.head + i];
        if (s !== 0) {
          if (this.zeros >= ONSET_SILENCE * sampleRate) {
            this.port.postMessage({ type: 'onset', at: this.played + n + i });
          }
          this.zeros = 0;
        } else {
          this.zeros++;
        }
        out[n + i] = s / 32768;
      }
      n += take;
      this.head += take;
      if (this.head === chunk.length) {
        this.queue.shift();
        this.head = 0;
      }
    }
    out.fill(0, n);
    this.queued -= n;
    this.played += n;
    // Report about every 20 ms, and only when something played.
    if (++this.quanta % 4 === 0 && this.played !== this.reported) {
      this.reported = this.played;
      this.port.postMessage({ type: 'played', played: this.played, queued: this.queued });
    }
    return true;
  }
}

registerProcessor('capture', CaptureProcessor);
registerProcessor('player', PlayerProcessor);
