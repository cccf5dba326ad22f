package dev.portcullis.tools;

/**
 * saml-inspect was called wrongly or the configuration it was given cannot be used: exit status 2,
 * with one line naming the problem. Distinct from a message that fails validation (exit status 1),
 * in the same way as the valve keeps a broken configuration apart from a refused message.
 */
final class UsageException extends Exception {

    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }

    UsageException(String message, Throwable cause) {
        super(message, cause);
    }
}
