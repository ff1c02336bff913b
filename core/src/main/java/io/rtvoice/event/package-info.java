/**
 * The Realtime protocol's events as typed records: {@link io.rtvoice.event.ClientEvent}s sent,
 * {@link io.rtvoice.event.ServerEvent}s received, the objects they carry (sessions, items, responses), and
 * the {@link io.rtvoice.event.EventCodec} that reads and writes them as JSON in either dialect.
 */
package io.rtvoice.event;
