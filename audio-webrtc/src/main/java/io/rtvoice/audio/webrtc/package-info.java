/**
 * WebRTC's echo canceller (AEC3) and voice activity detector as rtvoice's
 * {@link io.rtvoice.audio.spi.EchoCanceller} and {@link io.rtvoice.audio.spi.VoiceActivityDetector}:
 * {@link io.rtvoice.audio.webrtc.WebRtcAudio}.
 */
package io.rtvoice.audio.webrtc;
