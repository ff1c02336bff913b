/**
 * The phone line as the end user: {@link io.rtvoice.telephony.SipGateway} answers SIP calls itself and bridges each
 * to a Realtime session, G.711 both ways; {@link io.rtvoice.telephony.CallPolicy} decides which calls to answer.
 */
package io.rtvoice.telephony;
