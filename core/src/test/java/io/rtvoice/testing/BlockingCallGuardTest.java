package io.rtvoice.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** The guard every test class runs under really catches a blocking call on a non-blocking thread. */
class BlockingCallGuardTest {

    @Test
    void aSleepOnAParallelSchedulerThreadFailsThereAndIsRecordedForTheClass() {
        StepVerifier.create(Mono.fromCallable(() -> {
            Thread.sleep(1);
            return "slept";
        }).subscribeOn(Schedulers.parallel())).expectError(BlockingOperationError.class).verify(Duration.ofSeconds(10));

        List<String> findings = SuiteGuard.expectFindings(); // drained, so that this class itself passes
        assertThat(findings).singleElement().asString().contains("a blocking call").contains("sleep").contains("parallel");
    }

    @Test
    void theSameSleepOnAThreadMadeForWaitingIsFine() {
        StepVerifier.create(Mono.fromCallable(() -> {
            Thread.sleep(1);
            return "slept";
        }).subscribeOn(Schedulers.boundedElastic())).expectNext("slept").expectComplete().verify(Duration.ofSeconds(10));
        assertThat(SuiteGuard.expectFindings()).isEmpty();
    }
}
