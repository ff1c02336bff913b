package io.rtvoice.bench.codec;

import io.rtvoice.Dialect;
import io.rtvoice.audio.PlayoutBuffer;
import io.rtvoice.event.ClientEvent;
import io.rtvoice.event.EventCodec;
import io.rtvoice.event.ServerEvent;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The codec's hot events beside {@code java.util.Base64} alone on the same bytes (the floor): encoding a
 * 20 ms PCM16 append (960 bytes of audio) and decoding a 100 ms output-audio delta (4,800 bytes).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 6, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CodecBenchmark {

    private final EventCodec codec = EventCodec.of(Dialect.GA);
    private final Base64.Encoder encoder = Base64.getEncoder();
    private final Base64.Decoder decoder = Base64.getDecoder();

    private ClientEvent.InputAudioBufferAppend append;
    private byte[] appendPcm;
    private byte[] appendBase64Out;
    private final ByteArrayOutputStream frameOut = new ByteArrayOutputStream(4096);

    private byte[] deltaFrame;
    private byte[] deltaBase64;
    private byte[] deltaPcmOut;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(7);
        appendPcm = new byte[960];
        random.nextBytes(appendPcm);
        append = new ClientEvent.InputAudioBufferAppend(null, appendPcm);
        appendBase64Out = new byte[4 * ((appendPcm.length + 2) / 3)];

        byte[] deltaPcm = new byte[4_800];
        random.nextBytes(deltaPcm);
        deltaBase64 = encoder.encode(deltaPcm);
        deltaPcmOut = new byte[deltaPcm.length];
        deltaFrame = ("{\"type\":\"response.output_audio.delta\",\"event_id\":\"event_Ct1OkYmqCIhszKCHYeKbW\","
                + "\"response_id\":\"resp_Ct1OkoqXAD7R2a8tl3\",\"item_id\":\"item_Ct1OhVepyDFpDovHrgmNp\","
                + "\"output_index\":0,\"content_index\":0,\"delta\":\"" + new String(deltaBase64, StandardCharsets.US_ASCII) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Encode {@code input_audio_buffer.append} with 20 ms of PCM16 (960 bytes) to a UTF-8 frame. */
    @Benchmark
    public byte[] encodeAppend20ms() {
        return codec.encode(append);
    }

    /**
     * The same into a reused output stream, as a transport writing into its own buffer does: no result
     * array is made.
     */
    @Benchmark
    public int encodeAppend20msIntoStream() throws Exception {
        frameOut.reset();
        codec.encode(append, frameOut);
        return frameOut.size();
    }

    /**
     * The send path's encode: the same into an array handed back by the transport after the last write (the
     * session's pool of append frames), so no array is made.
     */
    @Benchmark
    public byte[] encodeAppend20msIntoPooledArray() {
        return codec.encode(append, pooledFrames);
    }

    private byte[] pooledFrame = new byte[0];
    private final java.util.function.IntFunction<byte[]> pooledFrames = size ->
            pooledFrame.length == size ? pooledFrame : (pooledFrame = new byte[size]);

    /** The floor: base64 of the same 960 bytes into a preallocated array. */
    @Benchmark
    public byte[] base64EncodeFloor20ms() {
        encoder.encode(appendPcm, appendBase64Out);
        return appendBase64Out;
    }

    /** Decode a 100 ms {@code response.output_audio.delta} (4,800 bytes of PCM16) from its UTF-8 frame. */
    @Benchmark
    public ServerEvent decodeAudioDelta100ms() throws Exception {
        return codec.decodeServerEvent(deltaFrame, 0, deltaFrame.length);
    }

    /**
     * The voice path's decode of the same frame: its audio straight to a sink, no event, no parser, no PCM array
     * (the codec lends a reused one); the sink here only reads it.
     */
    @Benchmark
    public int decodeAudioDelta100msToSink() {
        codec.decodeAudioDelta(deltaFrame, 0, deltaFrame.length, sinkRead);
        return sunk;
    }

    /**
     * The same into a playout buffer, as the voice session plays it, and read back out (one 100 ms read per
     * delta keeps the buffer's level steady): frame to samples in the ring, and out.
     */
    @Benchmark
    public int decodeAudioDelta100msIntoPlayout() {
        codec.decodeAudioDelta(deltaFrame, 0, deltaFrame.length, sinkPlayout);
        return playout.read(played, 0, played.length);
    }

    /** The typed path into the same playout buffer, for comparison: the event, then its PCM into the ring, and out. */
    @Benchmark
    public int decodeAudioDelta100msEventIntoPlayout() throws Exception {
        ServerEvent.ResponseOutputAudioDelta event = (ServerEvent.ResponseOutputAudioDelta) codec.decodeServerEvent(deltaFrame, 0,
                deltaFrame.length);
        playout.write(event.itemId(), event.delta());
        return playout.read(played, 0, played.length);
    }

    private int sunk;
    private final EventCodec.AudioSink sinkRead = (responseId, itemId, outputIndex, contentIndex, pcm, offset, length) ->
            sunk += pcm[offset] + length;
    private final PlayoutBuffer playout = PlayoutBuffer.builder().sampleRate(24_000).targetMillis(0).capacityMillis(2_000).build();
    private final short[] played = new short[2_400];
    private final EventCodec.AudioSink sinkPlayout = (responseId, itemId, outputIndex, contentIndex, pcm, offset, length) ->
            playout.write(itemId, pcm, offset, length);

    /** The floor: base64-decode the same 6,400 characters into a preallocated array. */
    @Benchmark
    public byte[] base64DecodeFloor100ms() {
        decoder.decode(deltaBase64, deltaPcmOut);
        return deltaPcmOut;
    }
}
