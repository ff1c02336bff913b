package io.rtvoice.audio.openal;

import io.rtvoice.audio.AudioDeviceException;
import io.rtvoice.audio.AudioInput;
import io.rtvoice.audio.AudioSpec;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Run in a child JVM by {@link OpenAlDisconnectTest}, against a sound server of its own (PULSE_SERVER):
 * plays and captures, prints READY, and once the parent has killed the server prints what the output and
 * the input reported, then closes both and prints the rtvoice threads left.
 */
final class DisconnectProbe {

    private DisconnectProbe() {
    }

    public static void main(String[] args) throws Exception {
        OpenAlBackend backend = new OpenAlBackend();
        OpenAlOutput output = backend.openOutput(AudioSpec.of(24_000));
        AudioInput input = backend.openInput(AudioSpec.of(24_000));
        CompletableFuture<Throwable> captureEnd = new CompletableFuture<>();
        CountDownLatch capturing = new CountDownLatch(5);
        input.frames().subscribe(frame -> capturing.countDown(), captureEnd::complete, () -> captureEnd.complete(null));
        CountDownLatch playing = new CountDownLatch(5);
        output.start((out, offset, length) -> {
            Arrays.fill(out, offset, offset + length, (short) 1000);
            playing.countDown();
            return length;
        });
        if (!capturing.await(5, TimeUnit.SECONDS) || !playing.await(5, TimeUnit.SECONDS)) {
            System.out.println("NOT RUNNING");
            return;
        }
        System.out.println("READY");
        System.out.flush();
        Throwable captureFailure = captureEnd.get(10, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (output.failure() == null && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // the output reports by a field only: poll it
        }
        System.out.println("output " + reason(output.failure()));
        System.out.println("capture " + reason(captureFailure));
        output.close();
        input.close();
        System.out.println("threads " + OpenAlTesting.rtvoiceThreads());
        System.out.println("released " + (output.playback().released() != null));
        System.out.flush();
    }

    private static String reason(Throwable failure) {
        return failure instanceof AudioDeviceException e ? e.reason() + " " + e.getMessage() : String.valueOf(failure);
    }
}
