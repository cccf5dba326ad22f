package dev.portcullis.pac4j;

/**
 * What a validated sign-in hands on within its callback request, whatever the protocol: where the user was
 * going (from server-side state only) and whether the sign-in answered a step-up request. Carried by
 * {@link RequestState}, read by {@link PendingLoginRedirects} and {@link CacheSessionStore}.
 */
public interface SignedIn {

    /** Where the user was going when the sign-in started, or null (then defaultLandingPath). */
    String originalUrl();

    /** Whether this sign-in answered a step-up request. */
    boolean stepUp();
}
