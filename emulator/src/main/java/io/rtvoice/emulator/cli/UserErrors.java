package io.rtvoice.emulator.cli;

import io.rtvoice.AuthenticationException;
import io.rtvoice.audio.AudioDeviceException;
import io.rtvoice.audio.Wav;
import io.rtvoice.conversation.ConversationException;
import io.rtvoice.transcription.TranscriptionException;
import io.rtvoice.transport.TransportException;
import java.io.FileNotFoundException;
import java.io.PrintWriter;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * How rtvoice's command lines ({@code rtvoice-emulator}, {@code rtvoice-examples}, {@code rtvoice-bench})
 * report a failure. A mistake of the user's is one line on standard error, {@code <command>: <what>},
 * and exit status {@value #MISTAKE}; {@code --verbose}, an option of every command, adds the stack trace.
 * Anything else is a bug: its stack trace, and exit status {@value #BUG}.
 *
 * <p>The user's mistakes, looked for along the cause chain: a bad option
 * ({@link ParameterException}); a file that is missing or cannot be read or written
 * ({@link FileSystemException}, {@link FileNotFoundException}); a file that is not WAV
 * ({@link Wav.WavFormatException}); an unknown audio backend or device, or one that fails
 * ({@link AudioDeviceException}); a connection refused, turned away or lost ({@link TransportException},
 * {@link SocketException} — which covers a port already in use —, {@link UnknownHostException}); credentials
 * that cannot sign in ({@link AuthenticationException}); settings the service refused, a model it does not
 * have say ({@link ConversationException}, {@link TranscriptionException}: the error event's words).
 */
public final class UserErrors implements IExecutionExceptionHandler, IParameterExceptionHandler {

    /** Exit status for a mistake of the user's (picocli's for invalid input). */
    public static final int MISTAKE = 2;
    /** Exit status for a bug. */
    public static final int BUG = 1;

    private static final String VERBOSE = "--verbose";

    private UserErrors() {
    }

    /**
     * The command line of {@code command} with this error handling, and with {@code --verbose} on it and on
     * every subcommand. For each program's {@code main}, and for tests that run a program in-process.
     */
    public static CommandLine commandLine(Object command) {
        CommandLine cli = new CommandLine(command);
        cli.getCommandSpec().addOption(OptionSpec.builder(VERBOSE).scopeType(ScopeType.INHERIT)
                .description("On an error, print its stack trace too.").build());
        UserErrors handler = new UserErrors();
        cli.setExecutionExceptionHandler(handler);
        cli.setParameterExceptionHandler(handler);
        return cli;
    }

    /**
     * Runs {@code command} as a program's {@code main} does and exits with its status: 0, {@link #MISTAKE}
     * or {@link #BUG}. An {@link Error} (a class missing from the module path, say), which picocli lets
     * through, is a bug too: printed, and the JVM exits even if threads it started still run.
     */
    public static void main(Object command, String[] args) {
        int status;
        try {
            status = commandLine(command).execute(args);
        } catch (Error bug) {
            bug.printStackTrace();
            status = BUG;
        }
        System.exit(status);
    }

    @Override
    public int handleExecutionException(Exception error, CommandLine command, ParseResult parsed) {
        PrintWriter err = command.getErr();
        Throwable mistake = mistake(error);
        if (mistake == null) {
            error.printStackTrace(err);
            err.flush();
            return BUG;
        }
        err.println(command.getCommandSpec().qualifiedName() + ": " + describe(mistake));
        if (verbose(parsed)) {
            error.printStackTrace(err);
        }
        err.flush();
        return MISTAKE;
    }

    @Override
    public int handleParseException(ParameterException error, String[] args) {
        CommandLine command = error.getCommandLine();
        PrintWriter err = command.getErr();
        String name = command.getCommandSpec().qualifiedName();
        String suggestion = error instanceof UnmatchedArgumentException unmatched && !unmatched.getSuggestions().isEmpty()
                ? " (did you mean " + String.join(" or ", unmatched.getSuggestions()) + "?)" : "";
        err.println(name + ": " + oneLine(error.getMessage()) + suggestion + "; see '" + name + " --help'");
        if (Arrays.asList(args).contains(VERBOSE)) {
            error.printStackTrace(err);
        }
        err.flush();
        return MISTAKE;
    }

    /** The outermost of {@code error} and its causes that is the user's mistake (its message has the most context), or null. */
    private static Throwable mistake(Throwable error) {
        Set<Throwable> seen = new HashSet<>();
        for (Throwable t = error; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof ParameterException || t instanceof FileSystemException || t instanceof FileNotFoundException
                    || t instanceof Wav.WavFormatException || t instanceof AudioDeviceException
                    || t instanceof TransportException || t instanceof SocketException || t instanceof UnknownHostException
                    || t instanceof AuthenticationException || t instanceof ConversationException
                    || t instanceof TranscriptionException) {
                return t;
            }
        }
        return null;
    }

    private static String describe(Throwable mistake) {
        if (mistake instanceof NoSuchFileException e) {
            return "no such file: " + e.getFile();
        }
        if (mistake instanceof AccessDeniedException e) {
            return "access denied: " + e.getFile();
        }
        String message = mistake.getMessage();
        return message == null || message.isBlank() ? mistake.getClass().getSimpleName() : oneLine(message);
    }

    private static String oneLine(String text) {
        return text.lines().map(String::strip).filter(line -> !line.isEmpty()).collect(Collectors.joining(" "));
    }

    private static boolean verbose(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption(VERBOSE)) {
                return true;
            }
        }
        return false;
    }
}
