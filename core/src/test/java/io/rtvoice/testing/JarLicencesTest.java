package io.rtvoice.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jar checks the build's *IT tests run catch what they are for: broken copies of a good jar fail. */
class JarLicencesTest {

    @TempDir
    Path dir;

    private static final String APACHE = """
            Apache License
            Version 2.0, January 2004
            TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION
            """;
    private static final String MIT = "Permission is hereby granted, free of charge, ...\n";
    private static final String NOTICE = "rtvoice\nlicensed under the Apache License, Version 2.0 (see LICENSE)\n";
    private static final String SBOM = """
            {"components": [
              {"group": "io.netty", "name": "netty-buffer", "licenses": [{"license": {"id": "Apache-2.0"}}]},
              {"group": "org.slf4j", "name": "slf4j-api", "licenses": [{"license": {"name": "MIT License"}}]}
            ]}
            """;

    private Map<String, String> shaded() {
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put(JarLicences.LICENSE, APACHE + MIT);
        entries.put(JarLicences.NOTICE, NOTICE);
        entries.put(JarLicences.SBOM, SBOM);
        entries.put("META-INF/maven/io.rtvoice/rtvoice-emulator/pom.properties", "groupId=io.rtvoice\nartifactId=rtvoice-emulator\n");
        entries.put("META-INF/maven/io.netty/netty-buffer/pom.properties", "groupId=io.netty\nartifactId=netty-buffer\n");
        entries.put("META-INF/maven/org.slf4j/slf4j-api/pom.properties", "groupId=org.slf4j\nartifactId=slf4j-api\n");
        return entries;
    }

    private Path jar(Map<String, String> entries) throws IOException {
        Path jar = Files.createTempFile(dir, "test", ".jar");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            for (Map.Entry<String, String> entry : entries.entrySet()) {
                out.putNextEntry(new JarEntry(entry.getKey()));
                out.write(entry.getValue().getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return jar;
    }

    @Test
    void aGoodJarPasses() throws IOException {
        assertThat(JarLicences.checkShaded(jar(shaded()))).isEmpty();
        Map<String, String> library = Map.of(JarLicences.LICENSE, APACHE, JarLicences.NOTICE, NOTICE);
        assertThat(JarLicences.checkLibrary(jar(library))).isEmpty();
    }

    @Test
    void aJarWithoutOurLicenceOrNoticeFails() throws IOException {
        Map<String, String> noLicence = shaded();
        noLicence.remove(JarLicences.LICENSE);
        assertThat(JarLicences.checkLibrary(jar(noLicence))).containsExactly("no META-INF/LICENSE");

        Map<String, String> otherLicence = shaded();
        otherLicence.put(JarLicences.LICENSE, MIT + APACHE);
        assertThat(JarLicences.checkLibrary(jar(otherLicence))).singleElement().asString().contains("does not start with");

        Map<String, String> noNotice = shaded();
        noNotice.remove(JarLicences.NOTICE);
        assertThat(JarLicences.checkShaded(jar(noNotice))).containsExactly("no META-INF/NOTICE");
    }

    @Test
    void aShadedJarWhoseSbomMissesABundledArtifactFails() throws IOException {
        Map<String, String> entries = shaded();
        entries.put("META-INF/maven/info.picocli/picocli/pom.properties", "groupId=info.picocli\nartifactId=picocli\n");
        assertThat(JarLicences.checkShaded(jar(entries)))
                .containsExactly("bundled info.picocli:picocli is missing from META-INF/sbom/bom.json");
    }

    @Test
    void anArtifactEmbeddedInAnotherPassesOnlyWhenThatOneIsInTheSbomWithALicence() throws IOException {
        Map<String, String> entries = shaded();
        entries.put("META-INF/maven/org.jctools/jctools-core/pom.properties", "groupId=org.jctools\nartifactId=jctools-core\n");
        assertThat(JarLicences.checkShaded(jar(entries)))
                .containsExactly("bundled org.jctools:jctools-core is missing from META-INF/sbom/bom.json");
        entries.put(JarLicences.SBOM, SBOM.replace("\"name\": \"netty-buffer\"", "\"name\": \"netty-common\""));
        entries.put("META-INF/maven/io.netty/netty-common/pom.properties", "groupId=io.netty\nartifactId=netty-common\n");
        entries.remove("META-INF/maven/io.netty/netty-buffer/pom.properties");
        assertThat(JarLicences.checkShaded(jar(entries))).isEmpty();
    }

    @Test
    void aShadedJarWithAnUnlicensedComponentFails() throws IOException {
        Map<String, String> entries = shaded();
        entries.put(JarLicences.SBOM, SBOM.replace("{\"license\": {\"name\": \"MIT License\"}}", ""));
        assertThat(JarLicences.checkShaded(jar(entries)))
                .containsExactly("bundled org.slf4j:slf4j-api has no licence in META-INF/sbom/bom.json");
    }

    @Test
    void aShadedJarWithoutSbomOrBundledLicencesFails() throws IOException {
        Map<String, String> entries = shaded();
        entries.remove(JarLicences.SBOM);
        entries.put(JarLicences.LICENSE, APACHE);
        assertThat(JarLicences.checkShaded(jar(entries))).contains(
                "no META-INF/sbom/bom.json",
                "META-INF/LICENSE holds rtvoice's licence alone, none of what is bundled");
    }
}
