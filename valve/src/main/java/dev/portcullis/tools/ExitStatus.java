package dev.portcullis.tools;

/** How a saml-inspect run ends; the process exit status is {@link #code()}. */
enum ExitStatus {

    /** A Response that passed every step, or any other input decoded and described. */
    OK(0),
    /** A Response the valve would refuse, or input that is not a readable SAML message. */
    INVALID(1),
    /** Wrong usage or a configuration that cannot be used; nothing was validated. */
    USAGE(2);

    private final int code;

    ExitStatus(int code) {
        this.code = code;
    }

    int code() {
        return code;
    }
}
