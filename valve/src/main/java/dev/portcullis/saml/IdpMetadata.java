package dev.portcullis.saml;

import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What Portcullis trusts about its identity provider, read from the IdP's metadata: its entityID, the
 * certificates whose keys may sign for it (several during a key rollover), and its endpoints by
 * binding. Signatures are verified with these keys only, never with a key a message carries.
 *
 * @param entityId               the IdP's entityID, which every Issuer must equal
 * @param signingCertificates    certificates from KeyDescriptors for signing (or without a use)
 * @param singleSignOnServices   SingleSignOnService Location by Binding URI, in metadata order
 * @param singleLogoutServices   SingleLogoutService Location by Binding URI, in metadata order
 * @param wantAuthnRequestsSigned the IdP's WantAuthnRequestsSigned flag
 * @param validUntil             the metadata's validUntil, if any
 * @param cacheDuration          the metadata's cacheDuration (how long to keep it before refreshing), if any
 */
public record IdpMetadata(String entityId, List<X509Certificate> signingCertificates,
                          Map<String, String> singleSignOnServices, Map<String, String> singleLogoutServices,
                          boolean wantAuthnRequestsSigned, Instant validUntil, java.time.Duration cacheDuration) {

    public IdpMetadata {
        signingCertificates = List.copyOf(signingCertificates);
        singleSignOnServices = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(singleSignOnServices));
        singleLogoutServices = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(singleLogoutServices));
    }

    /** Metadata without a cacheDuration. */
    public IdpMetadata(String entityId, List<X509Certificate> signingCertificates, Map<String, String> singleSignOnServices,
                       Map<String, String> singleLogoutServices, boolean wantAuthnRequestsSigned, Instant validUntil) {
        this(entityId, signingCertificates, singleSignOnServices, singleLogoutServices, wantAuthnRequestsSigned, validUntil, null);
    }

    /** The public keys that may sign for this IdP. */
    public List<PublicKey> signingKeys() {
        return signingCertificates.stream().map(X509Certificate::getPublicKey).toList();
    }

    /**
     * Where to send an AuthnRequest: HTTP-Redirect when offered, else HTTP-POST.
     *
     * @return the binding URI and the location
     */
    public Optional<Map.Entry<String, String>> preferredSingleSignOnService() {
        if (singleSignOnServices.containsKey(SamlConstants.REDIRECT_BINDING)) {
            return Optional.of(Map.entry(SamlConstants.REDIRECT_BINDING, singleSignOnServices.get(SamlConstants.REDIRECT_BINDING)));
        }
        if (singleSignOnServices.containsKey(SamlConstants.POST_BINDING)) {
            return Optional.of(Map.entry(SamlConstants.POST_BINDING, singleSignOnServices.get(SamlConstants.POST_BINDING)));
        }
        return Optional.empty();
    }
}
