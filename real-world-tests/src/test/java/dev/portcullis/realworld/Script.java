package dev.portcullis.realworld;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs one of the repository's scripts (scripts/*.sh) the way a person would, with extra environment
 * variables, and fails with the script's whole output when it exits non-zero or overruns its time.
 * A server that cannot start therefore fails the suite with its log tail, which the scripts print.
 */
final class Script {

    private final String name;
    private final Map<String, String> environment;

    private Script(String name, Map<String, String> environment) {
        this.name = name;
        this.environment = Map.copyOf(environment);
    }

    /** {@code scripts/<name>} with these variables added to the test JVM's environment. */
    static Script of(String name, Map<String, String> environment) {
        return new Script(name, environment);
    }

    /** Runs {@code scripts/<name> args...} and returns its output (stdout and stderr together). */
    Output run(Duration timeout, String... args) {
        List<String> command = new ArrayList<>();
        command.add(RealWorld.root().resolve("scripts").resolve(name).toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .directory(RealWorld.root().toFile());
        builder.environment().putAll(environment);
        String label = "scripts/" + name + " " + String.join(" ", args);
        System.out.println("== " + label);
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            StringBuilder text = new StringBuilder();
            Thread reader = new Thread(() -> drain(process.getInputStream(), text), "output of " + name);
            reader.start();
            if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                reader.join(5_000);
                throw new IllegalStateException(label + " did not finish within " + timeout.toSeconds() + " s:\n" + text);
            }
            reader.join(10_000);
            String output;
            synchronized (text) {
                output = text.toString();
            }
            System.out.print(output);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(label + " failed with exit code " + process.exitValue() + ":\n" + output);
            }
            return new Output(output);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + label, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + label, e);
        }
    }

    private static void drain(InputStream in, StringBuilder text) {
        byte[] buffer = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                synchronized (text) {
                    text.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                }
            }
        } catch (IOException e) {
            synchronized (text) {
                text.append("\n(reading the output failed: ").append(e).append(")\n");
            }
        }
    }

    /** What a script printed. */
    record Output(String text) {

        /** The rest of the first line starting with {@code prefix}, trimmed. */
        Optional<String> line(String prefix) {
            Matcher m = Pattern.compile("(?m)^" + Pattern.quote(prefix) + "\\s*(\\S+)").matcher(text);
            return m.find() ? Optional.of(m.group(1)) : Optional.empty();
        }

        String required(String prefix) {
            return line(prefix).orElseThrow(() -> new IllegalStateException("no line starting with [" + prefix
                    + "] in:\n" + text));
        }
    }
}
