package dev.portcullis.demo;

import java.net.BindException;

/** The demo could not start; the message is one line, fit to print as it is. */
public final class DemoStartException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public DemoStartException(String message) {
        super(message);
    }

    /** Explains a server that did not start: a busy port plainly, anything else by its innermost cause. */
    static DemoStartException of(String server, int port, String option, Throwable failure) {
        Throwable innermost = failure;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return new DemoStartException("port " + port + " is already in use, so " + server + " cannot start;"
                        + " stop whatever uses it, or choose another port with " + option + "=N");
            }
            innermost = t;
        }
        String reason = innermost.getMessage() == null ? innermost.toString() : innermost.getMessage();
        return new DemoStartException(server + " did not start: " + reason.lines().findFirst().orElse(reason));
    }
}
