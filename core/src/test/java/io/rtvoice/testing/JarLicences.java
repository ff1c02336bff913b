package io.rtvoice.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * What a built jar must carry about licences, checked by opening it. Every jar: rtvoice's licence
 * ({@code META-INF/LICENSE}, Apache-2.0) and notice ({@code META-INF/NOTICE}). A jar that bundles other
 * artifacts (the shaded command-line jars) also: an SBOM ({@code META-INF/sbom/bom.json}, CycloneDX) that
 * names every bundled artifact (each one that carries {@code META-INF/maven/…/pom.properties}) with a
 * licence (or comes inside one that is, see {@link #EMBEDDED}), and licence texts beyond ours appended to {@code META-INF/LICENSE}.
 *
 * <p>Each method returns the problems found (empty when the jar is fine), so that a test can also show
 * that a broken jar is caught.
 */
public final class JarLicences {

    static final String LICENSE = "META-INF/LICENSE";
    static final String NOTICE = "META-INF/NOTICE";
    static final String SBOM = "META-INF/sbom/bom.json";

    private JarLicences() {}

    /** The jar the build just made (failsafe passes {@code rtvoice.jar}). */
    public static Path builtJar() {
        String jar = System.getProperty("rtvoice.jar");
        if (jar == null) {
            throw new IllegalStateException("rtvoice.jar is not set: run as an integration test (mvn verify)");
        }
        return Path.of(jar);
    }

    /** Problems of a library jar: rtvoice's licence and notice. */
    public static List<String> checkLibrary(Path jar) throws IOException {
        List<String> problems = new ArrayList<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            checkOwn(file, problems);
        }
        return problems;
    }

    /** Problems of a jar that bundles third-party artifacts. */
    public static List<String> checkShaded(Path jar) throws IOException {
        List<String> problems = new ArrayList<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            checkOwn(file, problems);
            Map<String, Boolean> licensed = sbomComponents(file, problems);
            List<String> bundled = bundledArtifacts(file);
            if (bundled.size() < 2) {
                problems.add("bundles no third-party artifact: not a shaded jar?");
            }
            for (String artifact : bundled) {
                if (artifact.startsWith("io.rtvoice:")) {
                    continue;
                }
                Boolean hasLicence = licensed.get(artifact);
                String host = EMBEDDED.get(artifact);
                if (host != null && Boolean.TRUE.equals(licensed.get(host))) {
                    continue;
                }
                if (hasLicence == null) {
                    problems.add("bundled " + artifact + " is missing from " + SBOM);
                } else if (hasLicence != null && !hasLicence) {
                    problems.add("bundled " + artifact + " has no licence in " + SBOM);
                }
            }
            String licence = text(file, LICENSE);
            if (licence != null && licenceTexts(licence) < 2) {
                problems.add(LICENSE + " holds rtvoice's licence alone, none of what is bundled");
            }
        }
        return problems;
    }

    private static void checkOwn(JarFile file, List<String> problems) throws IOException {
        String licence = text(file, LICENSE);
        if (licence == null) {
            problems.add("no " + LICENSE);
        } else if (!licence.strip().startsWith("Apache License") || !licence.contains("Version 2.0, January 2004")) {
            problems.add(LICENSE + " does not start with the Apache License 2.0");
        }
        String notice = text(file, NOTICE);
        if (notice == null) {
            problems.add("no " + NOTICE);
        } else if (!notice.contains("rtvoice") || !notice.contains("Apache License, Version 2.0")) {
            problems.add(NOTICE + " is not rtvoice's notice");
        }
    }

    /** "group:name" of each SBOM component, with whether it names a licence. */
    private static Map<String, Boolean> sbomComponents(JarFile file, List<String> problems) throws IOException {
        Map<String, Boolean> components = new HashMap<>();
        String sbom = text(file, SBOM);
        if (sbom == null) {
            problems.add("no " + SBOM);
            return components;
        }
        JsonNode root = new ObjectMapper().readTree(sbom);
        for (JsonNode component : root.path("components")) {
            boolean licensed = false;
            for (JsonNode choice : component.path("licenses")) {
                JsonNode licence = choice.path("license");
                licensed |= !licence.path("id").asText("").isEmpty() || !licence.path("name").asText("").isEmpty()
                        || !choice.path("expression").asText("").isEmpty();
            }
            components.put(component.path("group").asText() + ":" + component.path("name").asText(), licensed);
        }
        return components;
    }

    /**
     * Artifacts that come inside another one's jar, so are no dependency of their own and not in the SBOM: each
     * with the artifact it comes in, whose SBOM entry (and licence) covers it. Netty embeds JCTools (Apache-2.0,
     * as Netty) under {@code io.netty.util.internal.shaded} and keeps its Maven metadata.
     */
    static final Map<String, String> EMBEDDED = Map.of("org.jctools:jctools-core", "io.netty:netty-common");

    /** "group:artifact" of each artifact whose Maven metadata the jar carries. */
    private static List<String> bundledArtifacts(JarFile file) throws IOException {
        List<String> artifacts = new ArrayList<>();
        for (Enumeration<JarEntry> entries = file.entries(); entries.hasMoreElements(); ) {
            JarEntry entry = entries.nextElement();
            String name = entry.getName();
            if (name.startsWith("META-INF/maven/") && name.endsWith("/pom.properties")) {
                Properties properties = new Properties();
                try (InputStream in = file.getInputStream(entry)) {
                    properties.load(in);
                }
                artifacts.add(properties.getProperty("groupId") + ":" + properties.getProperty("artifactId"));
            }
        }
        return artifacts;
    }

    private static String text(JarFile file, String name) throws IOException {
        JarEntry entry = file.getJarEntry(name);
        if (entry == null) {
            return null;
        }
        try (InputStream in = file.getInputStream(entry)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** How many licence texts: each Apache 2.0, MIT or BSD-style text counts once. */
    static int licenceTexts(String text) {
        return count(text, "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION")
                + count(text, "Permission is hereby granted")
                + count(text, "Redistribution and use in source and binary forms");
    }

    private static int count(String text, String word) {
        int n = 0;
        for (int at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
            n++;
        }
        return n;
    }

    /** Whether the path is a file: a friendlier failure than a ZipException when the jar was not built. */
    public static Path existing(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " was not built");
        }
        return jar;
    }
}
