<?php
/*
 * SimpleSAMLphp 1.19 configuration of the Portcullis test IdP. scripts/simplesamlphp.sh renders
 * this template into .cache/run/simplesamlphp/config/ at every start, filling the placeholders between at signs.
 *
 * It stands alone rather than including the Debian package's /etc/simplesamlphp/config.php:
 * that file requires /var/lib/simplesamlphp/secrets.inc.php, which only root (and www-data) may
 * read, so the IdP could not be started by an ordinary user. Options not set here keep
 * SimpleSAMLphp's built-in defaults.
 */
$config = [
    // Full URL: every URL the IdP publishes (metadata, SSO endpoint, login form) starts with it.
    'baseurlpath' => '@BASE_URL@',

    'certdir' => '@CERT_DIR@/',
    'metadatadir' => '@RUN_DIR@/metadata/',
    'metadata.sources' => [['type' => 'flatfile']],
    'datadir' => '@RUN_DIR@/data/',
    'tempdir' => '@RUN_DIR@/tmp',
    'loggingdir' => '@RUN_DIR@/',

    // Random per installation, kept in the cache; nobody types them.
    'secretsalt' => '@SECRET_SALT@',
    'auth.adminpassword' => '@ADMIN_PASSWORD@',
    'admin.protectindexpage' => true,
    'admin.protectmetadata' => false,
    // Where the IdP may send a browser after an IdP-initiated logout (ReturnTo), besides itself.
    'trusted.url.domains' => ['@SP_HOST@'],

    'technicalcontact_name' => 'Portcullis tests',
    'technicalcontact_email' => 'nobody@example.org',
    'timezone' => 'UTC',

    // PHP's error log is the built-in server's stderr, i.e. the IdP log the script writes.
    'logging.handler' => 'errorlog',
    'logging.level' => SimpleSAML\Logger::INFO,
    'logging.format' => '%level [%trackid] %msg',
    'showerrors' => true,
    'errorreporting' => false,

    'enable.saml20-idp' => true,
    'enable.shib13-idp' => false,
    'module.enable' => [
        'exampleauth' => true,
        'core' => true,
        'saml' => true,
    ],

    // Sessions in PHP session files under the run folder. Plain http on localhost: the cookie
    // cannot be Secure, and SameSite=None needs Secure, so Lax (the AuthnRequest arrives by a
    // top-level GET, which carries Lax cookies).
    'store.type' => 'phpsession',
    'session.phpsession.savepath' => '@RUN_DIR@/sessions',
    'session.phpsession.cookiename' => 'PortcullisIdpSession',
    'session.cookie.name' => 'PortcullisIdpSessionID',
    'session.cookie.path' => '/',
    'session.cookie.secure' => false,
    'session.cookie.samesite' => 'Lax',
    'session.duration' => 8 * 60 * 60,

    'language.default' => 'en',
    'language.available' => ['en'],
];
