/**
 * The entry points: {@link io.rtvoice.RealtimeClient} opens a {@link io.rtvoice.RealtimeSession} to an
 * {@link io.rtvoice.Endpoint} (OpenAI or Azure OpenAI, in either {@link io.rtvoice.Dialect}) with
 * {@link io.rtvoice.Credentials}; reconnection ({@link io.rtvoice.ReconnectPolicy}), back-pressure
 * ({@link io.rtvoice.SlowSubscriberPolicy}) and the exceptions a session ends with.
 */
package io.rtvoice;
