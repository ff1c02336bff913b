/**
 * A voice session: microphone to the service and the service's speech to the speaker, with barge-in,
 * transcripts ({@link io.rtvoice.voice.TranscriptLine}) and latency measurements
 * ({@link io.rtvoice.voice.LatencySample}); see {@link io.rtvoice.voice.VoiceSession}.
 */
package io.rtvoice.voice;
