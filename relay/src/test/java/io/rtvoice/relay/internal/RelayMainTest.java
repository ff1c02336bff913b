package io.rtvoice.relay.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtvoice.emulator.cli.UserErrors;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The relay's command line: what it offers, and a user's mistake told in one line. */
class RelayMainTest {

    private static String[] run(String... args) {
        CommandLine cli = UserErrors.commandLine(new RelayMain());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int status = cli.execute(args);
        return new String[] {String.valueOf(status), out.toString(), err.toString()};
    }

    @Test
    void helpListsTheOptions() {
        String[] result = run("--help");
        assertThat(result[0]).isEqualTo("0");
        assertThat(result[1]).contains("--port", "--host", "--allow-origin", "--allow-host", "--max-sessions", "--idle-timeout-s",
                "--direct-key-ttl-s", "--pace", "OPENAI_API_KEY");
    }

    @Test
    void aKeyLifetimeOutOfRangeIsTheUsersMistake() {
        String[] result = run("--port", "0", "--direct-key-ttl-s", "5");
        assertThat(result[0]).isEqualTo(String.valueOf(UserErrors.MISTAKE));
        assertThat(result[2]).contains("--direct-key-ttl-s").contains("10 s..2 h");
    }

    @Test
    void aTokenAdmitsOnlyPagesThatCarryIt() {
        java.net.InetSocketAddress from = new java.net.InetSocketAddress("127.0.0.1", 5000);
        io.rtvoice.voice.Authorizer token = RelayMain.tokenAuthorizer("tok-3e9");
        assertThat(RelayMain.tokenAuthorizer(null)).isNull();
        assertThat(RelayMain.tokenAuthorizer(" ")).isNull();
        java.util.function.BiFunction<String, String, Boolean> admits = (uri, cookie) -> token.admits(
                io.rtvoice.voice.AuthorizationRequest.of(uri, cookie == null ? java.util.List.of()
                        : java.util.List.of(java.util.Map.entry("Cookie", cookie)), from)).block();
        assertThat(admits.apply("/ws?token=tok-3e9", null)).isTrue();
        assertThat(admits.apply("/ws", "rtvoice_token=tok-3e9")).isTrue();
        assertThat(admits.apply("/ws", null)).isFalse();
        assertThat(admits.apply("/ws?token=tok-3e", null)).isFalse();
        assertThat(admits.apply("/ws?token=tok-3e9x", "rtvoice_token=nope")).isFalse();
    }
}
