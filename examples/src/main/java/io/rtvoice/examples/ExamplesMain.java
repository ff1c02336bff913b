package io.rtvoice.examples;

import com.azure.identity.DefaultAzureCredentialBuilder;
import io.rtvoice.Credentials;
import io.rtvoice.EntraIdCredentials;
import io.rtvoice.emulator.cli.UserErrors;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar examples/target/rtvoice-examples.jar <program> [options]}. */
@Command(name = "rtvoice-examples", mixinStandardHelpOptions = true,
        description = "Runnable rtvoice programs. With no configuration they run against the embedded emulator; "
                + "set AZURE_OPENAI_ENDPOINT (+ AZURE_OPENAI_API_KEY, AZURE_OPENAI_DEPLOYMENT_NAME) or OPENAI_API_KEY to use the service.",
        subcommands = {TextInAudioOut.class, VoiceChat.class, VoiceAgents.class, Transcribe.class, Phone.class, Streams.class, OpenAiSip.class})
public final class ExamplesMain implements Runnable {

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    /** Runs the chosen program. */
    public static void main(String[] args) {
        UserErrors.main(new ExamplesMain(), args); // a user's mistake: one line, exit status 2
    }

    /** Azure OpenAI without a key: Microsoft Entra ID (environment, workload or managed identity, Azure CLI, ...). */
    static Credentials entraId() {
        return EntraIdCredentials.of(new DefaultAzureCredentialBuilder().build());
    }
}
