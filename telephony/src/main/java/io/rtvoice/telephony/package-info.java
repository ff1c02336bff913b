/**
 * The phone line as the end user: {@link io.rtvoice.telephony.SipGateway} answers SIP calls itself and bridges each
 * to a Realtime session, G.711 both ways; {@link io.rtvoice.telephony.CallPolicy} decides which calls to answer.
 * {@link io.rtvoice.telephony.MediaStreamServer} takes calls a carrier answered and streams over a WebSocket (Twilio
 * Media Streams, Azure Communication Services audio streaming). Both report {@link io.rtvoice.telephony.CallEvent}s.
 */
package io.rtvoice.telephony;
