/**
 * Audio: formats and frames ({@link io.rtvoice.audio.AudioFormat}, {@link io.rtvoice.audio.AudioFrame}),
 * PCM16 and G.711 conversion, the {@link io.rtvoice.audio.Resampler}, WAV files, the playout buffer, and the
 * {@link io.rtvoice.audio.AudioBackend}s (found by {@code ServiceLoader}) that capture and play.
 */
package io.rtvoice.audio;
