package io.rtvoice.testing;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The exported API of a module as text, and the check of a module's API against a recorded baseline.
 *
 * <p>The API is what the module's descriptor exports without qualification (never {@code io.rtvoice.internal.*}):
 * each public class there, with its supertypes, and its public and protected constructors, methods and fields,
 * one line each, as {@code toGenericString} gives them (modifiers, generic types, throws). Sorted, so the text
 * is the same on every build and a diff of it is the change of the API.
 *
 * <p>A baseline line missing from the current API (a member or class removed, or its signature, modifiers or
 * supertypes changed) is a break; so is an abstract method added to a type that was already there (its
 * implementations no longer compile or link). A break is allowed only when the version says the API may break
 * (semantic versioning: a new major version; before 1.0, a new minor version). The baseline's first line
 * names the release whose API it records.
 */
public final class ApiSignature {

    static final String HEADER = "# rtvoice API baseline: version ";
    private static final Pattern VERSION = Pattern.compile("(\\d+)\\.(\\d+)(?:\\.(\\d+))?.*");

    private ApiSignature() {}

    /** The API of the module whose classes (and {@code module-info.class}) are in {@code classes}. */
    public static List<String> of(Path classes, ClassLoader loader) throws IOException {
        ModuleDescriptor descriptor;
        try (InputStream in = Files.newInputStream(classes.resolve("module-info.class"))) {
            descriptor = ModuleDescriptor.read(in);
        }
        Set<String> exported = descriptor.exports().stream()
                .filter(e -> !e.isQualified())
                .map(ModuleDescriptor.Exports::source)
                .collect(Collectors.toSet());
        List<Class<?>> types = new ArrayList<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String relative = classes.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
                if (!relative.endsWith(".class") || relative.endsWith("module-info.class")
                        || relative.endsWith("package-info.class")) {
                    continue;
                }
                int slash = relative.lastIndexOf('/');
                String pkg = slash < 0 ? "" : relative.substring(0, slash).replace('/', '.');
                if (!exported.contains(pkg)) {
                    continue;
                }
                String name = relative.substring(0, relative.length() - ".class".length()).replace('/', '.');
                try {
                    types.add(Class.forName(name, false, loader));
                } catch (ClassNotFoundException e) {
                    throw new IOException("cannot load " + name, e);
                }
            }
        }
        return of(types);
    }

    /** The API that these classes make (those of them that are visible from outside their package). */
    public static List<String> of(List<Class<?>> types) {
        Set<String> lines = new TreeSet<>();
        for (Class<?> type : types) {
            if (!visible(type)) {
                continue;
            }
            StringBuilder line = new StringBuilder(type.toGenericString());
            Type superclass = type.getGenericSuperclass();
            if (superclass != null && superclass != Object.class && !type.isEnum() && !type.isRecord()) {
                line.append(" extends ").append(superclass.getTypeName());
            }
            Type[] interfaces = type.getGenericInterfaces();
            if (interfaces.length > 0) {
                line.append(" implements ").append(Arrays.stream(interfaces).map(Type::getTypeName).sorted()
                        .collect(Collectors.joining(", ")));
            }
            lines.add(line.toString());
            for (Constructor<?> constructor : type.getDeclaredConstructors()) {
                if (exposed(constructor)) {
                    lines.add(constructor.toGenericString());
                }
            }
            for (Method method : type.getDeclaredMethods()) {
                if (exposed(method) && !method.isBridge()) {
                    lines.add(method.toGenericString());
                }
            }
            for (Field field : type.getDeclaredFields()) {
                if (exposed(field)) {
                    lines.add(field.toGenericString());
                }
            }
        }
        return new ArrayList<>(lines);
    }

    private static boolean visible(Class<?> type) {
        for (Class<?> t = type; t != null; t = t.getDeclaringClass()) {
            if (t.isAnonymousClass() || t.isLocalClass() || t.isSynthetic()) {
                return false;
            }
            boolean nested = t.getDeclaringClass() != null;
            int modifiers = t.getModifiers();
            if (!Modifier.isPublic(modifiers) && !(nested && Modifier.isProtected(modifiers))) {
                return false;
            }
        }
        return true;
    }

    private static boolean exposed(Member member) {
        int modifiers = member.getModifiers();
        return !member.isSynthetic() && (Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers));
    }

    /** The outcome of comparing an API with its baseline. */
    public record Comparison(List<String> removed, List<String> added, List<String> breaks, boolean mayBreak) {

        /** Whether the current API is the baseline's. */
        public boolean same() {
            return removed.isEmpty() && added.isEmpty();
        }

        /** Whether the change is one the version allows (no break, or the version may break). */
        public boolean allowed() {
            return breaks.isEmpty() || mayBreak;
        }

        /** The differences, for a failure message. */
        public String report() {
            StringBuilder out = new StringBuilder();
            breaks.forEach(line -> out.append("  BREAK   ").append(line).append('\n'));
            removed.stream().filter(line -> !breaks.contains(line))
                    .forEach(line -> out.append("  removed ").append(line).append('\n'));
            added.stream().filter(line -> !breaks.contains(line))
                    .forEach(line -> out.append("  added   ").append(line).append('\n'));
            return out.toString();
        }
    }

    /** Compares the current API with the baseline recorded for {@code baselineVersion}. */
    public static Comparison compare(List<String> baseline, String baselineVersion, List<String> current,
            String currentVersion) {
        Set<String> now = new LinkedHashSet<>(current);
        Set<String> before = new LinkedHashSet<>(baseline);
        List<String> removed = baseline.stream().filter(line -> !now.contains(line)).toList();
        List<String> added = current.stream().filter(line -> !before.contains(line)).toList();
        Set<String> typesBefore = baseline.stream().filter(line -> !line.contains("(")).map(ApiSignature::typeName)
                .collect(Collectors.toSet());
        List<String> breaks = new ArrayList<>(removed);
        for (String line : added) {
            if (line.contains("(") && (" " + line).contains(" abstract ") && typesBefore.contains(ownerOf(line))) {
                breaks.add(line);
            }
        }
        return new Comparison(removed, added, breaks, mayBreak(baselineVersion, currentVersion));
    }

    /** Semantic versioning: a new major version may break; before 1.0, so may a new minor version. */
    public static boolean mayBreak(String baselineVersion, String currentVersion) {
        int[] before = parse(baselineVersion);
        int[] now = parse(currentVersion);
        if (now[0] != before[0]) {
            return now[0] > before[0];
        }
        return now[0] == 0 && now[1] > before[1];
    }

    private static int[] parse(String version) {
        Matcher m = VERSION.matcher(version);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a version: " + version);
        }
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
    }

    /** The type a class line declares: its last word before any type parameters or supertypes. */
    private static String typeName(String classLine) {
        String head = classLine.split(" (extends|implements) ")[0];
        int generic = head.indexOf('<');
        if (generic >= 0) {
            head = head.substring(0, generic);
        }
        return head.substring(head.lastIndexOf(' ') + 1).replace('$', '.');
    }

    /** The type that declares a member line's member: the qualified name before the member's own name. */
    private static String ownerOf(String memberLine) {
        String head = memberLine.substring(0, memberLine.indexOf('('));
        String qualified = head.substring(head.lastIndexOf(' ') + 1);
        return qualified.substring(0, qualified.lastIndexOf('.')).replace('$', '.');
    }

    /**
     * The check each library module's {@code ApiBaselineTest} runs: this module's API (its compiled classes in
     * {@code target/classes}) against its baseline ({@code api-baseline.txt} in the module's directory), at the
     * project's version (the build passes {@code rtvoice.version}). With {@code -Drtvoice.api.record=true} it
     * records the current API as the new baseline instead, unless the change is a break the version does not
     * allow.
     */
    public static void checkModule(Class<?> anyClassOfTheModule) throws IOException {
        Path classes = Path.of("target", "classes");
        Path file = Path.of(BASELINE_FILE);
        String version = System.getProperty("rtvoice.version");
        if (version == null) {
            throw new IllegalStateException("rtvoice.version is not set: run through Maven");
        }
        List<String> current = of(classes, anyClassOfTheModule.getClassLoader());
        boolean record = Boolean.getBoolean("rtvoice.api.record");
        if (!Files.exists(file)) {
            if (record) {
                write(file, version.replace("-SNAPSHOT", ""), current);
                return;
            }
            throw new AssertionError("no " + file.toAbsolutePath() + ": record one with -Drtvoice.api.record=true");
        }
        Baseline baseline = read(file);
        Comparison comparison = compare(baseline.api(), baseline.version(), current, version);
        if (comparison.same()) {
            return;
        }
        if (!comparison.allowed()) {
            throw new AssertionError("The exported API breaks compatibility with " + baseline.version()
                    + ", and version " + version + " may not break it (see the README's versioning policy):\n"
                    + comparison.report());
        }
        if (record) {
            write(file, baseline.version(), current);
            return;
        }
        throw new AssertionError("The exported API changed (compatibly"
                + (comparison.breaks().isEmpty() ? "" : ", or as version " + version + " may")
                + "): review, then record it with -Drtvoice.api.record=true and commit " + BASELINE_FILE + ":\n"
                + comparison.report());
    }

    /** Where each module keeps its baseline, in the module's directory. */
    public static final String BASELINE_FILE = "api-baseline.txt";

    /** Reads a baseline file: its version (first line) and its API lines. */
    public static Baseline read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).startsWith(HEADER)) {
            throw new IOException(file + " does not start with \"" + HEADER + "\"");
        }
        return new Baseline(lines.get(0).substring(HEADER.length()).strip(),
                lines.subList(1, lines.size()).stream().filter(line -> !line.isBlank()).toList());
    }

    /** Writes a baseline file. */
    public static void write(Path file, String version, List<String> api) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add(HEADER + version);
        lines.addAll(api);
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    /** A recorded baseline: the release it belongs to, and its API lines. */
    public record Baseline(String version, List<String> api) {}
}
