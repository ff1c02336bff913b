/**
 * A local server that speaks the Realtime protocol in both dialects:
 * {@link io.rtvoice.emulator.RealtimeEmulator}, its replies ({@link io.rtvoice.emulator.Responder}; by rules,
 * {@link io.rtvoice.emulator.ScriptedResponder}),
 * fault injection ({@link io.rtvoice.emulator.Faults}), and the command line
 * ({@link io.rtvoice.emulator.EmulatorMain}).
 */
package io.rtvoice.emulator;
