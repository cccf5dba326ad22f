package dev.portcullis.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How often Portcullis's Log4j context is configured in one start, each case in a fresh JVM (the context is one
 * per class loader, and other tests in this JVM have set it up already). With INSTALL.md's
 * {@code $CATALINA_BASE/conf/portcullis-log4j2.xml}, the preparation thread reads that file and the valve's start
 * uses it as it is: one configuration per start, not the built-in one first and the file again. A valve that
 * starts again (a restart of its Context) reads the file again, so an edit takes effect then, as before.
 */
class LogConfigurationTest {

    /** The child JVM: what the preparation thread and two valve starts do, and what each did to the context. */
    public static final class Child {
        public static void main(String[] args) {
            ClassLoader loader = LogConfiguration.class.getClassLoader();
            LogConfiguration.initialize(loader);
            LoggerContext context = (LoggerContext) LogManager.getContext(loader, false);
            Configuration prepared = context.getConfiguration();
            System.out.println("prepared " + prepared.getName() + " from " + context.getConfigLocation());

            Object first = new Object();
            LogConfiguration.apply(first, null, loader);
            System.out.println("first start configured again: " + (context.getConfiguration() != prepared));
            LogManager.getLogger("dev.portcullis.audit.test").info("an audit line");

            LogConfiguration.release(first);
            Configuration before = context.getConfiguration();
            LogConfiguration.apply(new Object(), null, loader);
            System.out.println("restart configured again: " + (context.getConfiguration() != before));
            context.stop();
        }
    }

    private static List<String> child(Path base) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path")));
        if (base != null) {
            command.add("-Dcatalina.base=" + base);
        }
        command.add(Child.class.getName());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the child JVM finished").isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isZero();
        return output.lines().toList();
    }

    @Test
    void withTheInstalledFileTheStartConfiguresLog4jOnceAndARestartReadsTheFileAgain(@TempDir Path base) throws Exception {
        Files.createDirectories(base.resolve("conf"));
        Files.copy(Path.of("..", "conf", "log4j2.xml"), base.resolve("conf").resolve("portcullis-log4j2.xml"));

        List<String> lines = child(base);

        assertThat(lines).anyMatch(line -> line.startsWith("prepared portcullis from file:")
                && line.endsWith(base.resolve("conf").resolve("portcullis-log4j2.xml").toString()));
        assertThat(lines).contains("first start configured again: false", "restart configured again: true");
        assertThat(Files.readString(base.resolve("logs").resolve("portcullis-audit.log"))).contains("an audit line");
    }

    @Test
    void withoutTheFileTheBuiltInConfigurationServesTheStartAsItIs(@TempDir Path base) throws Exception {
        List<String> lines = child(base);

        assertThat(lines).anyMatch(line -> line.startsWith("prepared portcullis-default from ")
                && line.endsWith("portcullis-log4j2-default.xml"));
        // Only a file is read again at a restart; the built-in configuration stays as it is.
        assertThat(lines).contains("first start configured again: false", "restart configured again: false");
        assertThat(lines).anyMatch(line -> line.contains("an audit line"));
    }
}
