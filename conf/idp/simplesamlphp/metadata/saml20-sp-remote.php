<?php
/*
 * The Portcullis SP as this IdP knows it, filled from PORTCULLIS_SP_* and the variation
 * settings (PORTCULLIS_IDP_SIGNING, PORTCULLIS_IDP_NAMEID, PORTCULLIS_IDP_ENCRYPT) by
 * scripts/simplesamlphp.sh.
 */
$metadata['@SP_ENTITY_ID@'] = [
    'AssertionConsumerService' => [
        [
            'Binding' => 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST',
            'Location' => '@SP_ACS_URL@',
            'index' => 0,
        ],
    ],
    // Single Logout, both ways, on both bindings Portcullis answers (the IdP prefers Redirect for what
    // it sends).
    'SingleLogoutService' => [
        [
            'Binding' => 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect',
            'Location' => '@SP_SLO_URL@',
        ],
        [
            'Binding' => 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST',
            'Location' => '@SP_SLO_URL@',
        ],
    ],
    // The SP's certificate: AuthnRequests and logout messages must carry a valid RSA-SHA256 signature
    // by it; with assertion.encryption, assertions are encrypted for its key.
    'certData' => '@SP_CERT_DATA@',
    'validate.authnrequest' => true,
    'validate.logout' => true,
    'signature.algorithm' => 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    // The IdP signs its own LogoutRequests and LogoutResponses (Portcullis refuses unsigned ones).
    'sign.logout' => true,
    'assertion.encryption' => @ENCRYPT_ASSERTION@,

    'saml20.sign.assertion' => @SIGN_ASSERTION@,
    'saml20.sign.response' => @SIGN_RESPONSE@,
    'assertion.lifetime' => @ASSERTION_LIFETIME@,

    'NameIDFormat' => '@NAMEID_FORMAT@',
    'simplesaml.nameidattribute' => '@NAMEID_ATTRIBUTE@',
];
