package dev.portcullis.devidp;

/** A request the development IdP refuses: a {@link Rejection} for the browser, a precise detail for the log. */
public final class RequestRejected extends Exception {

    private static final long serialVersionUID = 1L;

    private final Rejection reason;

    public RequestRejected(Rejection reason, String detail) {
        super(detail);
        this.reason = reason;
    }

    public RequestRejected(Rejection reason, String detail, Throwable cause) {
        super(detail, cause);
        this.reason = reason;
    }

    public Rejection reason() {
        return reason;
    }
}
