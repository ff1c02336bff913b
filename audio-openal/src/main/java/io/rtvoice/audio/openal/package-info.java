/**
 * Capture and playback through OpenAL Soft (LWJGL, native libraries bundled):
 * {@link io.rtvoice.audio.openal.OpenAlBackend}.
 */
package io.rtvoice.audio.openal;
