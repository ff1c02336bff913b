/**
 * Transcription-only sessions: audio in, the service's transcript of it out, and never a response.
 * {@link io.rtvoice.transcription.TranscriptionSession} runs one over a {@link io.rtvoice.RealtimeSession}
 * opened at a transcription endpoint ({@link io.rtvoice.Endpoint#openAiTranscription()},
 * {@link io.rtvoice.Endpoint#azureTranscription(java.net.URI)}, or any URI with {@code ?intent=transcription}),
 * configured by a {@link io.rtvoice.transcription.TranscriptionConfig}.
 */
package io.rtvoice.transcription;
