// Runs one Realtime flow through OpenAI's official Node SDK against an emulator, unmodified.
//
//   NODE_EXTRA_CA_CERTS=cert.pem node realtime-flows.mjs FLOW --url wss://127.0.0.1:PORT
//
// FLOW is ga-text-audio, ga-tool-call or azure-ga; self-check (no --url) proves the model check
// refuses bad frames. The SDK dials only wss://, so the emulator serves
// TLS with a certificate the test made, trusted through NODE_EXTRA_CA_CERTS. Every frame the server
// sends is checked against the SDK's declared RealtimeServerEvent union (server-event-model.mjs says
// how far that goes). Exit status 0 when the flow passed, 1 with the reason on standard error.

import OpenAI, { AzureOpenAI } from 'openai';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';
import { VERSION as SDK_VERSION } from 'openai/version';
import { checkServerEvent, loadServerEventModel } from './server-event-model.mjs';

// The emulator answers at once; a reply slower than this is a hang, not a slow machine.
const RECV_TIMEOUT_MS = 20_000;
// Any non-empty key: the emulator accepts it. Not shaped like a real key, so no scanner mistakes it for one.
const API_KEY = 'interop-test-key';

class FlowFailed extends Error {}

function expect(condition, message) {
  if (!condition) throw new FlowFailed(message);
}

/** The SDK's connection with every received frame checked and queued for the flow to take in order. */
class CheckedConnection {
  constructor(rt, model) {
    this.rt = rt;
    this.model = model;
    this.queue = [];
    this.waiting = null;
    this.failure = null;
    this.received = [];
    this.undeclared = new Set();
    // The raw frame, before the SDK's emitter: what is checked is exactly what the server sent.
    rt.socket.on('message', (data) => {
      let event;
      try {
        event = JSON.parse(data.toString());
      } catch (e) {
        return this.fail(new FlowFailed(`a frame that is not JSON: ${String(data).slice(0, 200)}`));
      }
      this.received.push(event.type);
      const { problems, undeclared } = checkServerEvent(model, event);
      for (const name of undeclared) this.undeclared.add(`${event.type}: ${name}`);
      if (problems.length > 0) {
        return this.fail(new FlowFailed(`GA server event ${JSON.stringify(event.type)} fails the SDK's declared model `
          + `(openai ${SDK_VERSION}):\n  ${problems.join('\n  ')}\nframe: ${shorten(data.toString())}`));
      }
      if (event.type === 'error') {
        return this.fail(new FlowFailed(`the server sent an error: ${data.toString()}`));
      }
      this.queue.push(event);
      this.wake();
    });
    rt.on('error', (err) => this.fail(new FlowFailed(`the SDK reported an error: ${err.message}`)));
    rt.socket.on('close', (code, reason) => this.fail(new FlowFailed(`the connection closed: ${code} ${reason}`)));
  }

  fail(error) {
    this.failure ??= error;
    this.wake();
  }

  wake() {
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.();
  }

  /** The next server event (checked), or a FlowFailed. */
  async recv() {
    while (this.queue.length === 0) {
      if (this.failure) throw this.failure;
      let timer;
      await new Promise((resolve, reject) => {
        this.waiting = resolve;
        timer = setTimeout(() => reject(new FlowFailed(`no server event within ${RECV_TIMEOUT_MS} ms`)), RECV_TIMEOUT_MS);
      }).finally(() => clearTimeout(timer));
    }
    return this.queue.shift();
  }

  async until(...types) {
    for (;;) {
      const event = await this.recv();
      if (types.includes(event.type)) return event;
    }
  }

  close() {
    this.failure ??= new FlowFailed('closed by the flow');
    this.rt.close({ code: 1000, reason: 'done' });
  }
}

function shorten(text, limit = 600) {
  return text.length <= limit ? text : `${text.slice(0, limit)}... (${text.length} chars)`;
}

function summary(types) {
  const out = [];
  for (const t of types) {
    const last = out[out.length - 1];
    if (last && last.type === t) last.count++;
    else out.push({ type: t, count: 1 });
  }
  return out.map(({ type, count }) => (count > 1 ? `${type} x${count}` : type)).join(', ');
}

async function sessionAudioOut(conn, tools) {
  await conn.until('session.created');
  const session = {
    type: 'realtime',
    output_modalities: ['audio'],
    audio: { output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'alloy' } },
  };
  if (tools) {
    session.tools = tools;
    session.tool_choice = 'auto';
  }
  conn.rt.send({ type: 'session.update', session });
  const updated = await conn.until('session.updated');
  expect(JSON.stringify(updated.session?.output_modalities) === '["audio"]',
    `session.updated output_modalities ${JSON.stringify(updated.session?.output_modalities)}`);
}

/** Collects the spoken reply of the response under way until response.done. */
async function spokenReply(conn) {
  let audio = 0;
  let transcript = '';
  for (;;) {
    const event = await conn.recv();
    if (event.type === 'response.output_audio.delta') audio += Buffer.from(event.delta, 'base64').length;
    else if (event.type === 'response.output_audio_transcript.delta') transcript += event.delta;
    else if (event.type === 'response.done') {
      expect(event.response?.status === 'completed', `response.done status ${JSON.stringify(event.response?.status)}`);
      return { audio, transcript };
    }
  }
}

function userText(text) {
  return { type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] } };
}

async function textInAudioOut(conn, label) {
  await sessionAudioOut(conn);
  conn.rt.send(userText('Say hello to the interop test.'));
  conn.rt.send({ type: 'response.create' });
  const { audio, transcript } = await spokenReply(conn);
  expect(audio > 0, 'no audio bytes before response.done');
  expect(transcript.trim() !== '', 'an empty transcript');
  console.log(`${label}: ${audio} audio bytes, transcript ${JSON.stringify(transcript)}`);
}

async function toolCall(conn) {
  const tool = {
    type: 'function',
    name: 'get_weather',
    description: 'The weather in a city.',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  };
  await sessionAudioOut(conn, [tool]);
  // The emulator's standard responder calls a configured function whose name the user's text contains.
  conn.rt.send(userText('Please call get_weather for Paris.'));
  conn.rt.send({ type: 'response.create' });
  const done = await conn.until('response.done');
  const calls = (done.response?.output ?? []).filter((item) => item.type === 'function_call');
  expect(calls.length === 1, `expected one function_call in response.done, got ${JSON.stringify((done.response?.output ?? []).map((i) => i.type))}`);
  const call = calls[0];
  expect(call.name === 'get_weather', `called ${JSON.stringify(call.name)}`);
  expect(typeof call.call_id === 'string' && call.call_id !== '', 'the function call has no call_id');
  const args = JSON.parse(call.arguments);
  expect(args !== null && typeof args === 'object' && typeof args.city === 'string',
    `arguments ${call.arguments} do not fit the tool's schema (an object with the required string 'city')`);
  conn.rt.send({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: call.call_id, output: JSON.stringify({ weather: 'sunny' }) } });
  conn.rt.send({ type: 'response.create' });
  const { audio, transcript } = await spokenReply(conn);
  expect(audio > 0 && transcript.includes('sunny'), `final answer ${JSON.stringify(transcript)} with ${audio} audio bytes does not use the tool's output`);
  console.log(`GA tool call: ${call.name}(${call.arguments}) -> final answer ${JSON.stringify(transcript)}`);
}

/** Proves the check can fail: frames the SDK's declarations must refuse are refused, a good one passes. */
function selfCheck(model) {
  const good = { type: 'response.output_audio.delta', event_id: 'event_1', response_id: 'resp_1', item_id: 'item_1', output_index: 0, content_index: 0, delta: 'AAA=' };
  const goodResult = checkServerEvent(model, good);
  expect(goodResult.problems.length === 0, `a good frame was refused: ${goodResult.problems}`);
  const { delta, ...noDelta } = good;
  const bad = {
    'an unknown event type': { ...good, type: 'response.audio.delta' }, // the preview name, not GA's
    'a missing required property': noDelta,
    'a number sent as a string': { ...good, content_index: '0' },
  };
  for (const [what, frame] of Object.entries(bad)) {
    expect(checkServerEvent(model, frame).problems.length > 0, `the declared model accepted ${what}: ${JSON.stringify(frame)}`);
  }
  console.log(`self-check: ${model.size} server event types read from the SDK's declarations; refuses ${Object.keys(bad).join(', ')}; accepts a good frame`);
}

function parseArgs(argv) {
  const [flow, ...rest] = argv;
  const urlAt = rest.indexOf('--url');
  const url = urlAt >= 0 ? rest[urlAt + 1] : undefined;
  if (flow !== 'self-check' && (!['ga-text-audio', 'ga-tool-call', 'azure-ga'].includes(flow) || !url)) {
    console.error('usage: node realtime-flows.mjs self-check | ga-text-audio|ga-tool-call|azure-ga --url wss://127.0.0.1:PORT');
    process.exit(2);
  }
  return { flow, base: (url ?? '').replace(/\/+$/, '') };
}

async function main() {
  const { flow, base } = parseArgs(process.argv.slice(2));
  const httpsBase = base.replace(/^wss:/, 'https:');
  const { model } = loadServerEventModel();
  if (flow === 'self-check') {
    try {
      selfCheck(model);
    } catch (e) {
      if (!(e instanceof FlowFailed)) throw e;
      console.error(`FAILED self-check (openai ${SDK_VERSION}): ${e.message}`);
      process.exitCode = 1;
      return;
    }
    console.log(`PASSED self-check (openai ${SDK_VERSION}, node ${process.version})`);
    return;
  }
  let rt;
  if (flow === 'azure-ga') {
    // The SDK's Azure client; the SDK builds <endpoint>/openai/v1/realtime?model=<deployment> with an api-key header.
    const azure = new AzureOpenAI({ endpoint: httpsBase, apiKey: API_KEY, apiVersion: '2025-08-28', deployment: 'my-realtime-deployment' });
    rt = await OpenAIRealtimeWS.azure(azure);
  } else {
    const client = new OpenAI({ apiKey: API_KEY, baseURL: `${httpsBase}/v1` });
    rt = await OpenAIRealtimeWS.create(client, { model: 'gpt-realtime' });
  }
  const conn = new CheckedConnection(rt, model);
  let passed = false;
  try {
    if (flow === 'ga-tool-call') await toolCall(conn);
    else await textInAudioOut(conn, flow === 'azure-ga' ? `Azure GA (${rt.url.pathname}) text-in-audio-out` : 'GA text-in-audio-out');
    passed = true;
  } catch (e) {
    if (!(e instanceof FlowFailed)) throw e;
    console.error(`FAILED ${flow} (openai ${SDK_VERSION}, node ${process.version}): ${e.message}`);
  } finally {
    console.log(`events: ${summary(conn.received)}`);
    if (conn.undeclared.size > 0) {
      console.log(`properties the SDK's interfaces do not declare (listed only): ${[...conn.undeclared].sort().join(', ')}`);
    }
    conn.close();
  }
  if (passed) console.log(`PASSED ${flow} (openai ${SDK_VERSION}, node ${process.version})`);
  process.exitCode = passed ? 0 : 1;
}

await main();
