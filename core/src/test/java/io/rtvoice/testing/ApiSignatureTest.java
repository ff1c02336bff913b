package io.rtvoice.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The API check catches breaks: a deliberately broken copy of an API fails it, at a version that may not break. */
public class ApiSignatureTest {

    /** Version one of a small API. */
    public interface Greeter {
        String greet(String name);
    }

    /** Version one of a small API. */
    public static class Greeting {
        public Greeting(String text) {}

        public String text() {
            return "";
        }

        protected void hidden() {}

        void packagePrivate() {}
    }

    /** Not part of any API: package-private. */
    static class Hidden {
        public void visible() {}
    }

    private static final List<String> BASELINE = ApiSignature.of(List.of(Greeter.class, Greeting.class, Hidden.class));

    @Test
    void theSignatureListsPublicAndProtectedMembersOfVisibleTypes() {
        assertThat(BASELINE).anyMatch(line -> line.contains("Greeting.text()"))
                .anyMatch(line -> line.contains("Greeting.hidden()"))
                .anyMatch(line -> line.contains("Greeter.greet(java.lang.String)") && line.contains("abstract"))
                .anyMatch(line -> line.contains("public io.rtvoice.testing.ApiSignatureTest$Greeting(java.lang.String)"))
                .noneMatch(line -> line.contains("packagePrivate") || line.contains("Hidden"));
    }

    @Test
    void theSameApiPasses() {
        ApiSignature.Comparison comparison = ApiSignature.compare(BASELINE, "0.1.0", BASELINE, "0.1.1-SNAPSHOT");
        assertThat(comparison.same()).isTrue();
        assertThat(comparison.allowed()).isTrue();
    }

    @Test
    void aRemovedMethodIsABreakThatAPatchOrMinorVersionAfterOneMayNotMake() {
        List<String> broken = BASELINE.stream().filter(line -> !line.contains("Greeting.text()")).toList();
        ApiSignature.Comparison patch = ApiSignature.compare(BASELINE, "0.1.0", broken, "0.1.1-SNAPSHOT");
        assertThat(patch.breaks()).singleElement().asString().contains("Greeting.text()");
        assertThat(patch.allowed()).isFalse();
        assertThat(ApiSignature.compare(BASELINE, "1.2.0", broken, "1.3.0").allowed()).isFalse();

        assertThat(ApiSignature.compare(BASELINE, "0.1.0", broken, "0.2.0-SNAPSHOT").allowed()).isTrue();
        assertThat(ApiSignature.compare(BASELINE, "1.2.0", broken, "2.0.0").allowed()).isTrue();
    }

    @Test
    void aChangedSignatureIsABreak() {
        List<String> changed = BASELINE.stream()
                .map(line -> line.replace("java.lang.String io.rtvoice.testing.ApiSignatureTest$Greeting.text()",
                        "java.lang.CharSequence io.rtvoice.testing.ApiSignatureTest$Greeting.text()"))
                .toList();
        ApiSignature.Comparison comparison = ApiSignature.compare(BASELINE, "0.1.0", changed, "0.1.0");
        assertThat(comparison.breaks()).hasSize(1);
        assertThat(comparison.allowed()).isFalse();
        assertThat(comparison.report()).contains("BREAK").contains("added   public java.lang.CharSequence");
    }

    @Test
    void anAbstractMethodAddedToAnExistingInterfaceIsABreakButAConcreteOneIsNot() {
        String abstractMethod = "public abstract void io.rtvoice.testing.ApiSignatureTest$Greeter.wave()";
        ApiSignature.Comparison abstractAdded = ApiSignature.compare(BASELINE, "0.1.0",
                concat(BASELINE, abstractMethod), "0.1.0");
        assertThat(abstractAdded.breaks()).containsExactly(abstractMethod);

        String concreteMethod = "public void io.rtvoice.testing.ApiSignatureTest$Greeting.wave()";
        ApiSignature.Comparison concreteAdded = ApiSignature.compare(BASELINE, "0.1.0",
                concat(BASELINE, concreteMethod), "0.1.0");
        assertThat(concreteAdded.breaks()).isEmpty();
        assertThat(concreteAdded.allowed()).isTrue();
        assertThat(concreteAdded.same()).isFalse();
    }

    private static List<String> concat(List<String> lines, String line) {
        return java.util.stream.Stream.concat(lines.stream(), java.util.stream.Stream.of(line)).toList();
    }
}
