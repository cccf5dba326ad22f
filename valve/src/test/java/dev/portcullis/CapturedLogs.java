package dev.portcullis;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/** Collects every log line Portcullis writes while a test runs (the valve's single Log4j context). */
final class CapturedLogs extends AbstractAppender implements AutoCloseable {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final LoggerConfig portcullis;

    private CapturedLogs(LoggerConfig portcullis) {
        super("captured-" + System.nanoTime(), null, null, true, Property.EMPTY_ARRAY);
        this.portcullis = portcullis;
    }

    static CapturedLogs capture() {
        // Portcullis sets up its logging on a thread of its own, started by the first valve; a capture made before
        // that finished would be replaced by it. So start it (if no valve has) and wait for it (at once when done).
        dev.portcullis.engine.Preparation.begin();
        dev.portcullis.engine.Preparation.awaitLogging();
        LoggerContext context = (LoggerContext) LogManager.getContext(SsoValve.class.getClassLoader(), false);
        Configuration configuration = context.getConfiguration();
        LoggerConfig config = configuration.getLoggerConfig("dev.portcullis");
        CapturedLogs captured = new CapturedLogs(config);
        captured.start0();
        config.addAppender(captured, Level.ALL, null);
        LoggerConfig audit = configuration.getLoggerConfig("dev.portcullis.audit");
        // An additive audit logger already reaches the appender through dev.portcullis: once is enough.
        if (audit != config && !audit.isAdditive()) {
            audit.addAppender(captured, Level.ALL, null);
        }
        context.updateLoggers();
        return captured;
    }

    private void start0() {
        super.start();
    }

    @Override
    public void append(LogEvent event) {
        lines.add(event.getLevel() + " " + event.getLoggerName() + " " + event.getMessage().getFormattedMessage());
    }

    List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void close() {
        LoggerContext context = (LoggerContext) LogManager.getContext(SsoValve.class.getClassLoader(), false);
        Configuration configuration = context.getConfiguration();
        configuration.getLoggerConfig("dev.portcullis").removeAppender(getName());
        configuration.getLoggerConfig("dev.portcullis.audit").removeAppender(getName());
        context.updateLoggers();
        stop();
    }
}
