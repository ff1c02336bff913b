/**
 * The audio backend SPI: what a backend author implements to bring a new end to rtvoice — a capture end
 * ({@link io.rtvoice.audio.spi.CaptureDevice}) and a playback end ({@link io.rtvoice.audio.spi.PlaybackDevice}),
 * opened by an {@link io.rtvoice.audio.AudioBackend}. rtvoice's core owns the threads, the resampling and
 * the played-samples clock around them. "Writing a backend" in the documentation (docs/audio-backends.md) shows a
 * complete one.
 */
package io.rtvoice.audio.spi;
