package io.rtvoice.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.testing.JarLicences;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The command-line jar carries rtvoice's licence and notice, and the licences and notices of all it bundles. */
class JarLicencesIT {

    @Test
    void licencesAreInTheJar() throws IOException {
        Path jar = JarLicences.existing(Path.of(System.getProperty("rtvoice.build.dir"), "rtvoice-bench.jar"));
        assertThat(JarLicences.checkShaded(jar)).as(jar.toString()).isEmpty();
    }
}
