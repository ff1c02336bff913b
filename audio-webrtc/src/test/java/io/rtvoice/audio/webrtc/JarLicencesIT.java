package io.rtvoice.audio.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.testing.JarLicences;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The jar carries rtvoice's licence and notice. */
class JarLicencesIT {

    @Test
    void licencesAreInTheJar() throws IOException {
        Path jar = JarLicences.existing(JarLicences.builtJar());
        assertThat(JarLicences.checkLibrary(jar)).as(jar.toString()).isEmpty();
    }
}
