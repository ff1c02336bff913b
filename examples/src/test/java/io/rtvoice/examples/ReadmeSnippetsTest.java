package io.rtvoice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Java snippets of the README, the modules' READMEs and {@code docs/} are code the build compiles: each
 * {@code <!-- snippet: NAME -->} line must be followed by a Java block identical to the region NAME of
 * {@link ReadmeSnippets} (indentation aside), and every region must be shown somewhere.
 */
class ReadmeSnippetsTest {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path SOURCE = Path.of("src/test/java/io/rtvoice/examples/ReadmeSnippets.java");
    private static final Pattern MARKER = Pattern.compile("<!-- snippet: ([\\w-]+) -->\\R```java\\R(.*?)\\R```", Pattern.DOTALL);
    private static final Pattern REGION = Pattern.compile(
            "^[ \\t]*// snippet:([\\w-]+)\\R(.*?)\\R[ \\t]*// end:\\1$", Pattern.DOTALL | Pattern.MULTILINE);

    /** The regions of a Java source, by name, without their common indentation. */
    static Map<String, String> regions(String java) {
        Map<String, String> regions = new LinkedHashMap<>();
        Matcher m = REGION.matcher(java);
        while (m.find()) {
            regions.put(m.group(1), dedent(m.group(2)));
        }
        return regions;
    }

    /** The problems of one Markdown page against the regions; adds the names it shows to {@code shown}. */
    static List<String> check(String page, String markdown, Map<String, String> regions, java.util.Set<String> shown) {
        List<String> problems = new ArrayList<>();
        Matcher m = MARKER.matcher(markdown);
        while (m.find()) {
            String name = m.group(1);
            shown.add(name);
            String region = regions.get(name);
            if (region == null) {
                problems.add(page + ": snippet " + name + " is not a region of " + SOURCE);
            } else if (!region.equals(dedent(m.group(2)))) {
                problems.add(page + ": snippet " + name + " differs from " + SOURCE + "; it should read:\n" + region);
            }
        }
        return problems;
    }

    static String dedent(String block) {
        List<String> lines = block.lines().map(line -> line.stripTrailing()).toList();
        int indent = lines.stream().filter(line -> !line.isBlank())
                .mapToInt(line -> line.length() - line.stripLeading().length()).min().orElse(0);
        return String.join("\n", lines.stream().map(line -> line.isBlank() ? "" : line.substring(indent)).toList());
    }

    static List<Path> pages() throws IOException {
        List<Path> pages = new ArrayList<>();
        try (Stream<Path> files = Files.walk(ROOT, 3)) {
            files.filter(file -> file.toString().endsWith(".md"))
                    .filter(file -> !ROOT.relativize(file).toString().contains("target"))
                    .sorted()
                    .forEach(pages::add);
        }
        return pages;
    }

    @Test
    void everySnippetIsTheCompiledCodeAndEveryRegionIsShown() throws IOException {
        Map<String, String> regions = regions(Files.readString(SOURCE, StandardCharsets.UTF_8));
        assertThat(regions).isNotEmpty();
        java.util.Set<String> shown = new TreeSet<>();
        List<String> problems = new ArrayList<>();
        for (Path page : pages()) {
            problems.addAll(check(ROOT.relativize(page).toString(), Files.readString(page, StandardCharsets.UTF_8),
                    regions, shown));
        }
        assertThat(problems).isEmpty();
        assertThat(shown).as("regions shown in some page").containsAll(regions.keySet());
    }

    @Test
    void aSnippetThatNoLongerMatchesTheCodeFails() throws IOException {
        Map<String, String> regions = regions(Files.readString(SOURCE, StandardCharsets.UTF_8));
        String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
        assertThat(check("README.md", readme, regions, new TreeSet<>())).isEmpty();

        String broken = readme.replace("Credentials.apiKey(System.getenv(\"AZURE_OPENAI_API_KEY\"))",
                "Credentials.apiKey(System.getenv(\"OPENAI_API_KEY\"))");
        assertThat(broken).isNotEqualTo(readme);
        assertThat(check("README.md", broken, regions, new TreeSet<>()))
                .singleElement().asString().contains("snippet client differs");

        String unknown = readme.replace("<!-- snippet: client -->", "<!-- snippet: no-such-region -->");
        assertThat(check("README.md", unknown, regions, new TreeSet<>()))
                .singleElement().asString().contains("no-such-region is not a region");
    }
}
