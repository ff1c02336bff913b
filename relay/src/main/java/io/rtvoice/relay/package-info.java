/**
 * The browser end: {@link io.rtvoice.relay.VoiceRelay} serves a voice page and bridges each page's audio
 * WebSocket to a voice session on the service, holding the credentials — the browser never sees a key.
 */
package io.rtvoice.relay;
