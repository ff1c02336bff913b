"""Runs one Realtime flow through OpenAI's official Python SDK against an emulator, unmodified.

    python3 realtime_flows.py FLOW --url wss://127.0.0.1:PORT --ca cert.pem

FLOW is ga-text-audio, ga-tool-call, azure-ga, preview-text-audio or azure-preview; self-check (no --url)
proves the model check refuses bad frames. Every frame the server sends is parsed strictly with the SDK's
own pydantic model of the dialect's server events (the union RealtimeServerEvent): an event type the SDK
does not know, a missing field or a field of the wrong type fails the flow. A field the model does not
declare is listed, not failed: the SDK's models allow extra fields, and the service itself sends some the
models omit (session.created's session.id, object and expires_at are in a real GA capture).
Exit status 0 when the flow passed, 1 with the reason on standard error when it did not.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import ssl
import sys
import typing
from typing import Any

import openai
import pydantic
from openai import AsyncAzureOpenAI, AsyncOpenAI
from openai.types.beta.realtime import RealtimeServerEvent as PreviewServerEvent
from openai.types.realtime import RealtimeServerEvent as GaServerEvent

# The emulator answers at once; a reply slower than this is a hang, not a slow machine.
RECV_TIMEOUT_SECONDS = 20
# Any non-empty key: the emulator accepts it. Not shaped like a real key, so no scanner mistakes it for one.
API_KEY = "interop-test-key"


_CONNECTIONS: list["CheckedConnection"] = []


class FlowFailed(Exception):
    """The flow did not go as the SDK's user expects; the message says which frame and why."""


class CheckedConnection:
    """An SDK connection whose every received frame is validated strictly against the SDK's model."""

    def __init__(self, connection: Any, server_event_union: Any, dialect: str) -> None:
        self._connection = connection
        self._union = server_event_union
        self._adapter = pydantic.TypeAdapter(server_event_union)
        self._dialect = dialect
        self.received: list[str] = []
        self.undeclared: set[str] = set()
        _CONNECTIONS.append(self)

    async def recv(self) -> Any:
        raw = await asyncio.wait_for(self._connection.recv_bytes(), RECV_TIMEOUT_SECONDS)
        text = raw.decode("utf-8")
        event_type = json.loads(text).get("type")
        self.received.append(str(event_type))
        try:
            # strict: no coercion (a number as a string, a string as a number) is forgiven.
            event = self._adapter.validate_json(raw, strict=True)
        except pydantic.ValidationError as e:
            raise FlowFailed(
                f"{self._dialect} server event {event_type!r} fails the SDK's model "
                f"(openai {openai.__version__}):\n{_validation_summary(e, event_type, self._union)}\nframe: {_shorten(text)}"
            ) from None
        for field in _undeclared_fields(event, ""):
            self.undeclared.add(f"{event_type}: {field}")
        # The SDK's own parse as well: what its users' code sees.
        parsed = self._connection.parse_event(raw)
        if parsed.type != event.type:
            raise FlowFailed(f"the SDK parsed {event.type!r} as {parsed.type!r}")
        if event.type == "error":
            raise FlowFailed(f"the server sent an error: {text}")
        return event

    async def until(self, *types: str) -> Any:
        """Receives (validating) until an event of one of `types` arrives, and returns it."""
        while True:
            event = await self.recv()
            if event.type in types:
                return event


def _validation_summary(error: pydantic.ValidationError, event_type: Any, union: Any) -> str:
    """The errors against the union member whose type literal is the frame's type (the others only say "wrong type")."""
    member = next((m.__name__ for m in typing.get_args(typing.get_args(union)[0])
                   if typing.get_args(m.model_fields["type"].annotation) == (event_type,)), None)
    if member is None:
        return f"  no event type {event_type!r} in the SDK's RealtimeServerEvent union"
    lines = [f"  {'.'.join(str(p) for p in item['loc'])}: {item['msg']} (got {_shorten(repr(item.get('input')), 120)})"
             for item in error.errors() if item["loc"] and item["loc"][0] == member]
    return "\n".join(lines[:20])


def _undeclared_fields(value: Any, path: str) -> list[str]:
    """Fields pydantic kept as extras (the SDK's models allow them), recursively, as dotted paths."""
    found: list[str] = []
    if isinstance(value, pydantic.BaseModel):
        for name in (value.model_extra or {}):
            found.append(f"{path}{name}")
        for name in type(value).model_fields:
            found.extend(_undeclared_fields(getattr(value, name), f"{path}{name}."))
    elif isinstance(value, (list, tuple)):
        for i, element in enumerate(value):
            found.extend(_undeclared_fields(element, f"{path[:-1]}[{i}]."))
    return found


def _summary(types: list[str]) -> str:
    """Event types in order, a run of one type as "type xN"."""
    runs: list[list[Any]] = []
    for t in types:
        if runs and runs[-1][0] == t:
            runs[-1][1] += 1
        else:
            runs.append([t, 1])
    return ", ".join(t if n == 1 else f"{t} x{n}" for t, n in runs)


def _shorten(text: str, limit: int = 600) -> str:
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} chars)"


def _expect(condition: bool, message: str) -> None:
    if not condition:
        raise FlowFailed(message)


def _tls_options(ca: str | None) -> dict[str, Any]:
    if ca is None:
        return {}
    context = ssl.create_default_context(cafile=ca)  # host name checked against the certificate's IP SAN
    return {"ssl": context}


async def _ga_spoken_reply(conn: CheckedConnection, raw: Any, user_text: str) -> tuple[int, str]:
    """Sends a user message and response.create; returns (audio bytes, transcript) of the reply."""
    await raw.conversation.item.create(
        item={"type": "message", "role": "user", "content": [{"type": "input_text", "text": user_text}]}
    )
    await raw.response.create()
    audio = 0
    transcript = []
    while True:
        event = await conn.recv()
        if event.type == "response.output_audio.delta":
            audio += len(base64.b64decode(event.delta, validate=True))
        elif event.type == "response.output_audio_transcript.delta":
            transcript.append(event.delta)
        elif event.type == "response.done":
            _expect(event.response.status == "completed", f"response.done status {event.response.status!r}")
            return audio, "".join(transcript)


async def _ga_session_audio_out(conn: CheckedConnection, raw: Any, tools: list[dict[str, Any]] | None = None) -> None:
    session: dict[str, Any] = {
        "type": "realtime",
        "output_modalities": ["audio"],
        "audio": {"output": {"format": {"type": "audio/pcm", "rate": 24000}, "voice": "alloy"}},
    }
    if tools is not None:
        session["tools"] = tools
        session["tool_choice"] = "auto"
    await conn.until("session.created")
    await raw.session.update(session=session)
    updated = await conn.until("session.updated")
    _expect(updated.session.output_modalities == ["audio"], f"session.updated output_modalities {updated.session.output_modalities}")


async def ga_text_audio(client: AsyncOpenAI, tls: dict[str, Any], model: str = "gpt-realtime") -> None:
    async with client.realtime.connect(model=model, websocket_connection_options=tls) as raw:
        conn = CheckedConnection(raw, GaServerEvent, "GA")
        await _ga_session_audio_out(conn, raw)
        audio, transcript = await _ga_spoken_reply(conn, raw, "Say hello to the interop test.")
        _expect(audio > 0, "no audio bytes before response.done")
        _expect(transcript.strip() != "", "an empty transcript")
        print(f"GA text-in-audio-out: {audio} audio bytes, transcript {transcript!r}")


async def ga_tool_call(client: AsyncOpenAI, tls: dict[str, Any]) -> None:
    tool = {
        "type": "function",
        "name": "get_weather",
        "description": "The weather in a city.",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    }
    async with client.realtime.connect(model="gpt-realtime", websocket_connection_options=tls) as raw:
        conn = CheckedConnection(raw, GaServerEvent, "GA")
        await _ga_session_audio_out(conn, raw, tools=[tool])
        # The emulator's standard responder calls a configured function whose name the user's text contains.
        await raw.conversation.item.create(
            item={"type": "message", "role": "user",
                  "content": [{"type": "input_text", "text": "Please call get_weather for Paris."}]}
        )
        await raw.response.create()
        done = await conn.until("response.done")
        calls = [item for item in done.response.output or [] if item.type == "function_call"]
        _expect(len(calls) == 1, f"expected one function_call in response.done, got {[i.type for i in done.response.output or []]}")
        call = calls[0]
        _expect(call.name == "get_weather", f"called {call.name!r}")
        _expect(bool(call.call_id), "the function call has no call_id")
        arguments = json.loads(call.arguments)
        _expect(isinstance(arguments, dict) and isinstance(arguments.get("city"), str),
                f"arguments {call.arguments} do not fit the tool's schema (an object with the required string 'city')")
        await raw.conversation.item.create(
            item={"type": "function_call_output", "call_id": call.call_id, "output": json.dumps({"weather": "sunny"})}
        )
        await raw.response.create()
        audio = 0
        transcript = []
        while True:
            event = await conn.recv()
            if event.type == "response.output_audio.delta":
                audio += len(base64.b64decode(event.delta, validate=True))
            elif event.type == "response.output_audio_transcript.delta":
                transcript.append(event.delta)
            elif event.type == "response.done":
                _expect(event.response.status == "completed", f"final response.done status {event.response.status!r}")
                break
        answer = "".join(transcript)
        _expect(audio > 0 and "sunny" in answer, f"final answer {answer!r} with {audio} audio bytes does not use the tool's output")
        print(f"GA tool call: {call.name}({call.arguments}) -> final answer {answer!r}")


async def preview_text_audio(client: AsyncOpenAI, tls: dict[str, Any], model: str = "gpt-4o-realtime-preview") -> None:
    async with client.beta.realtime.connect(model=model, websocket_connection_options=tls) as raw:
        conn = CheckedConnection(raw, PreviewServerEvent, "preview")
        await conn.until("session.created")
        await raw.session.update(session={"modalities": ["text", "audio"], "output_audio_format": "pcm16", "voice": "alloy"})
        updated = await conn.until("session.updated")
        _expect(updated.session.output_audio_format == "pcm16", f"session.updated output_audio_format {updated.session.output_audio_format!r}")
        await raw.conversation.item.create(
            item={"type": "message", "role": "user", "content": [{"type": "input_text", "text": "Say hello to the interop test."}]}
        )
        await raw.response.create()
        audio = 0
        transcript = []
        while True:
            event = await conn.recv()
            if event.type == "response.audio.delta":
                audio += len(base64.b64decode(event.delta, validate=True))
            elif event.type == "response.audio_transcript.delta":
                transcript.append(event.delta)
            elif event.type == "response.done":
                _expect(event.response.status == "completed", f"response.done status {event.response.status!r}")
                break
        _expect(audio > 0, "no audio bytes before response.done")
        _expect("".join(transcript).strip() != "", "an empty transcript")
        print(f"preview text-in-audio-out: {audio} audio bytes, transcript {''.join(transcript)!r}")


def self_check() -> None:
    """Proves the check can fail: frames the SDK's models must refuse are refused, a good one passes."""
    adapter = pydantic.TypeAdapter(GaServerEvent)
    good = {"type": "response.output_audio.delta", "event_id": "event_1", "response_id": "resp_1", "item_id": "item_1",
            "output_index": 0, "content_index": 0, "delta": "AAA="}
    adapter.validate_json(json.dumps(good), strict=True)
    bad = {
        "an unknown event type": {**good, "type": "response.audio.delta"},  # the preview name, not GA's
        "a missing required field": {k: v for k, v in good.items() if k != "delta"},
        "a number sent as a string": {**good, "content_index": "0"},
        "a nested field of the wrong type": {"type": "response.done", "event_id": "e", "response": {"status": 7}},
    }
    for what, frame in bad.items():
        try:
            adapter.validate_json(json.dumps(frame), strict=True)
        except pydantic.ValidationError:
            continue
        raise FlowFailed(f"the strict model accepted {what}: {frame}")
    print(f"self-check: the SDK's GA model refuses {', '.join(bad)}; accepts a good frame")


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("flow", choices=["self-check", "ga-text-audio", "ga-tool-call", "azure-ga", "preview-text-audio", "azure-preview"])
    parser.add_argument("--url", help="the emulator's base URL, e.g. wss://127.0.0.1:8765")
    parser.add_argument("--deployment", default="gpt-4o-realtime-preview",
                        help="azure-preview: the deployment's name (default: named after its model, as is common)")
    parser.add_argument("--ca", help="PEM file of the CA (or self-signed certificate) to trust for wss://")
    args = parser.parse_args()
    base = (args.url or "").rstrip("/")
    http_base = base.replace("wss://", "https://", 1).replace("ws://", "http://", 1)
    tls = _tls_options(args.ca)
    try:
        if args.flow == "self-check":
            self_check()
        elif args.url is None:
            parser.error("--url is required for a flow that connects")
        elif args.flow == "azure-ga":
            # Azure's v1 (GA) endpoint, as Azure and the SDK document it: the standard client with the
            # resource's /openai/v1 base; the model is the deployment's name. (AsyncAzureOpenAI always adds
            # api-version and deployment, which is the dated/preview endpoint's shape: see interop/README.md.)
            client = AsyncOpenAI(api_key=API_KEY, base_url=f"{http_base}/openai/v1", websocket_base_url=f"{base}/openai/v1")
            await ga_text_audio(client, tls, model="my-realtime-deployment")
        elif args.flow == "azure-preview":
            # The SDK's Azure client, as it is made: an endpoint and a dated api-version. It dials
            # <endpoint>/openai/realtime?api-version=...&deployment=... with an api-key header.
            client = AsyncAzureOpenAI(api_key=API_KEY, api_version="2024-10-01-preview", azure_endpoint=http_base)
            await preview_text_audio(client, tls, model=args.deployment)
        else:
            client = AsyncOpenAI(api_key=API_KEY, base_url=f"{http_base}/v1", websocket_base_url=f"{base}/v1")
            flows = {"ga-text-audio": ga_text_audio, "ga-tool-call": ga_tool_call, "preview-text-audio": preview_text_audio}
            await flows[args.flow](client, tls)
    except FlowFailed as e:
        print(f"FAILED {args.flow} (openai {openai.__version__}): {e}", file=sys.stderr)
        return 1
    except asyncio.TimeoutError:
        print(f"FAILED {args.flow}: no server event within {RECV_TIMEOUT_SECONDS} s", file=sys.stderr)
        return 1
    finally:
        for conn in _CONNECTIONS:
            print(f"events: {_summary(conn.received)}")
        undeclared = sorted({field for conn in _CONNECTIONS for field in conn.undeclared})
        if undeclared:
            print("fields the SDK's model does not declare (allowed by it, listed only):")
            for field in undeclared:
                print(f"  {field}")
    print(f"PASSED {args.flow} (openai {openai.__version__})")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
