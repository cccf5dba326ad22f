package dev.portcullis.engine;

import java.security.PrivateKey;
import java.time.Clock;
import java.util.List;

import dev.portcullis.config.AuthnRequestSigning;
import dev.portcullis.config.Settings;
import dev.portcullis.config.SpCredentials;
import dev.portcullis.saml.AlgorithmPolicy;
import dev.portcullis.saml.AuthnRequestFactory;
import dev.portcullis.saml.Decrypter;
import dev.portcullis.saml.IdpMetadata;
import dev.portcullis.saml.LogoutValidator;
import dev.portcullis.saml.MessageEncoder;
import dev.portcullis.saml.ReplayCache;
import dev.portcullis.saml.ResponseValidator;
import dev.portcullis.saml.SecureXml;
import dev.portcullis.saml.ServiceProvider;

/**
 * Builds the SAML side for one version of the IdP metadata: the response validator (keys, entityID)
 * and the AuthnRequest factory (signing or not, as signAuthnRequests says for that metadata), from the settings that do not change while the valve runs. Called at
 * start and after every successful metadata refresh, and by the offline inspection tool through
 * {@link #responseValidator}, so that the tool validates exactly as the valve does. Thread-safe.
 */
public final class ServiceProviderFactory {

    private final Settings settings;
    private final SecureXml xml;
    private final Clock clock;
    private final ReplayCache replayCache;
    private final Decrypter decrypter;
    private final AuthnRequestFactory signedRequests;
    private final AuthnRequestFactory unsignedRequests;
    private final MessageEncoder encoder;

    /** The decrypter for the SP's keys (current and rollover). */
    public static Decrypter decrypter(Settings settings, SecureXml xml) {
        List<PrivateKey> keys = settings.decryptionCredentials().stream().map(SpCredentials::privateKey).toList();
        return new Decrypter(keys, settings.allowRsa15KeyTransport(), xml, settings.maxResponseSize());
    }

    /** What the settings ask of every Response. */
    public static ResponseValidator.Options responseOptions(Settings settings) {
        return new ResponseValidator.Options(settings.acsUrl(), settings.spEntityId(), settings.wantAssertionsSigned(),
                settings.wantAssertionsEncrypted(), settings.clockSkew(), settings.maxResponseAge(), settings.maxResponseSize(),
                settings.allowUnsolicitedResponses(), settings.wantResponsesSigned(), settings.requestedAuthnContext(),
                settings.stepUpAuthnContext(), settings.principalAttribute().orElse(null));
    }

    /** The response validator the valve builds from these settings and this IdP metadata. */
    public static ResponseValidator responseValidator(Settings settings, IdpMetadata idp, Decrypter decrypter, SecureXml xml,
                                                      Clock clock, ReplayCache replayCache) {
        return responseValidator(responseOptions(settings), settings, idp, decrypter, xml, clock, replayCache);
    }

    /** The same, with the options given (saml-inspect keeps a policy setting the SP key could not be loaded for). */
    public static ResponseValidator responseValidator(ResponseValidator.Options options, Settings settings, IdpMetadata idp,
                                                      Decrypter decrypter, SecureXml xml, Clock clock, ReplayCache replayCache) {
        return new ResponseValidator(options, idp, new AlgorithmPolicy(settings.allowSha1()), decrypter, replayCache, xml, clock);
    }

    ServiceProviderFactory(Settings settings, SecureXml xml, Clock clock, ReplayCache replayCache) {
        this.settings = settings;
        this.xml = xml;
        this.clock = clock;
        this.replayCache = replayCache;
        this.decrypter = decrypter(settings, xml);
        SpCredentials key = settings.spCredentials().orElse(null);
        this.encoder = new MessageEncoder(key == null ? null : key.privateKey(), key == null ? null : key.certificate(), xml);
        this.signedRequests = key == null ? null : new AuthnRequestFactory(settings.spEntityId(), settings.acsUrl(),
                settings.nameIdFormat().orElse(null), key.privateKey(), key.certificate(), xml);
        this.unsignedRequests = new AuthnRequestFactory(settings.spEntityId(), settings.acsUrl(),
                settings.nameIdFormat().orElse(null), null, null, xml);
    }

    /**
     * The AuthnRequest factory for this IdP: signing when signAuthnRequests says so for its metadata
     * ({@link AuthnRequestSigning#signsFor}).
     *
     * @throws IllegalArgumentException when the IdP asks for signed requests and there is no SP key
     */
    AuthnRequestFactory requestsFor(IdpMetadata idp) {
        if (!settings.authnRequestSigning().signsFor(idp.wantAuthnRequestsSigned())) {
            return unsignedRequests;
        }
        if (signedRequests == null) {
            throw new IllegalArgumentException("the IdP's metadata asks for signed AuthnRequests (WantAuthnRequestsSigned)"
                    + " but no SP key is configured (spPrivateKey and spCertificate, or spKeystore)");
        }
        return signedRequests;
    }

    /**
     * @throws IllegalArgumentException when the metadata cannot serve (no usable SSO binding)
     */
    ServiceProvider create(IdpMetadata idp) {
        ResponseValidator validator = responseValidator(settings, idp, decrypter, xml, clock, replayCache);
        LogoutValidator logout = settings.singleLogout() ? new LogoutValidator(new LogoutValidator.Options(settings.sloUrl(),
                settings.spEntityId(), settings.clockSkew(), settings.maxResponseAge(), settings.maxResponseSize()), idp,
                new AlgorithmPolicy(settings.allowSha1()), decrypter, replayCache, xml, clock) : null;
        return new ServiceProvider(idp, validator, requestsFor(idp), logout, encoder, settings.spEntityId());
    }
}
