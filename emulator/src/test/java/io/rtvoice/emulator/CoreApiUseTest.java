package io.rtvoice.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The emulator is a client of core like any other: core's module does not export {@code io.rtvoice.internal.*}. */
class CoreApiUseTest {

    @Test
    void mainCodeUsesNoneOfCoresInternalPackages() throws IOException {
        Path main = Path.of("src", "main", "java");
        assertThat(main).isDirectory();
        List<String> offenders;
        try (Stream<Path> files = Files.walk(main)) {
            offenders = files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> read(f).contains("io.rtvoice.internal."))
                    .map(Path::toString)
                    .toList();
        }
        assertThat(offenders).isEmpty();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
