/**
 * The transport SPI: a {@link io.rtvoice.transport.Transport} opens a
 * {@link io.rtvoice.transport.TransportConnection} that carries the protocol's text frames;
 * {@link io.rtvoice.transport.TransportProvider}s are found by {@code ServiceLoader}.
 */
package io.rtvoice.transport;
