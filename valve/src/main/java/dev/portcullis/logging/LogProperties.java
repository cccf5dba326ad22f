package dev.portcullis.logging;

import java.util.Set;

import org.apache.logging.log4j.core.selector.BasicContextSelector;
import org.apache.logging.log4j.util.PropertySource;

/**
 * Log4j properties that come with the valve rather than from system properties, which a webapp's own
 * Log4j would read too. In the drop-in JAR Log4j is relocated and private to Portcullis, so one
 * logger context for everything is right: {@link BasicContextSelector} gives Portcullis, pac4j and
 * Ehcache the same context, without the caller-class lookups a relocated Log4j cannot do. Highest
 * priority, so that a {@code log4j2.contextSelector} meant for another Log4j never reaches this one.
 */
public final class LogProperties implements PropertySource {

    private static final String CONTEXT_SELECTOR = "log4j2.contextSelector";

    @Override
    public int getPriority() {
        return Integer.MIN_VALUE;
    }

    @Override
    public CharSequence getNormalForm(Iterable<? extends CharSequence> tokens) {
        return "log4j2." + Util.joinAsCamelCase(tokens);
    }

    @Override
    public boolean containsProperty(String key) {
        return CONTEXT_SELECTOR.equals(key);
    }

    @Override
    public String getProperty(String key) {
        return CONTEXT_SELECTOR.equals(key) ? BasicContextSelector.class.getName() : null;
    }

    @Override
    public java.util.Collection<String> getPropertyNames() {
        return Set.of(CONTEXT_SELECTOR);
    }
}
