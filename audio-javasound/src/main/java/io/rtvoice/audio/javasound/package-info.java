/**
 * The Java Sound audio backend: {@link io.rtvoice.audio.javasound.JavaSoundBackend}, found by
 * {@link java.util.ServiceLoader} under the name {@code javasound}.
 */
package io.rtvoice.audio.javasound;
