package dev.portcullis.saml;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.validation.Schema;

import org.w3c.dom.Document;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * The only way Portcullis turns bytes into a DOM. DOCTYPE declarations are refused outright, so no
 * DTD, internal or external entity, or entity expansion (billion laughs) is ever processed
 * (CVE-2022-35741 class); XInclude is off and no external resource is fetched. Parsers are pooled:
 * creating one per message costs more than parsing a typical response. Thread-safe.
 */
public final class SecureXml {

    private static final byte[] DOCTYPE = "<!DOCTYPE".getBytes(StandardCharsets.US_ASCII);
    private static final int POOL_LIMIT = 64;
    /** Deepest element nesting accepted. */
    public static final int MAX_ELEMENT_DEPTH = 64;

    private static final ErrorHandler SILENT = new ErrorHandler() {
        @Override
        public void warning(SAXParseException exception) {
        }

        @Override
        public void error(SAXParseException exception) throws SAXException {
            throw exception;
        }

        @Override
        public void fatalError(SAXParseException exception) throws SAXException {
            throw exception;
        }
    };

    private final DocumentBuilderFactory factory;
    private final ConcurrentLinkedQueue<DocumentBuilder> pool = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pooled = new AtomicInteger();

    public SecureXml() {
        this(null);
    }

    /**
     * A parser that also validates every document against a schema (filling in the schema's default attribute
     * values), with the same protections; a document that does not follow the schema is refused like one that is
     * not well-formed, its {@link SAXParseException} (line and column) as the cause.
     *
     * @param schema the schema, or null for none
     */
    public SecureXml(Schema schema) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setValidating(false);
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            // Every validation walks the whole document (assertion count, ID uniqueness, canonicalization), so
            // Xerces's deferred node expansion only adds work: build the nodes while parsing.
            f.setFeature("http://apache.org/xml/features/dom/defer-node-expansion", false);
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            // A SAML message is about a dozen levels deep; a deeply nested one only exists to exhaust the
            // stack of a recursive walk (canonicalization, text content) and turn a refusal into a 500.
            f.setAttribute("http://www.oracle.com/xml/jaxp/properties/maxElementDepth", MAX_ELEMENT_DEPTH);
            if (schema != null) {
                f.setSchema(schema);
            }
            this.factory = f;
        } catch (ParserConfigurationException | IllegalArgumentException e) {
            // Fail closed: without these features the parser is not safe for IdP or browser input.
            throw new IllegalStateException("The JDK's XML parser does not support the features Portcullis needs"
                    + " to parse SAML safely", e);
        }
    }

    /**
     * Parses a message.
     *
     * @throws SamlValidationException {@code dtd_not_allowed} for any DOCTYPE, {@code malformed_response_data}
     *                                 for anything that is not well-formed XML
     */
    public Document parse(byte[] xml) throws SamlValidationException {
        if (indexOf(xml, DOCTYPE) >= 0) {
            throw new SamlValidationException(SamlErrorCode.DTD_NOT_ALLOWED, "the message contains a DOCTYPE declaration");
        }
        DocumentBuilder builder = borrow();
        try {
            return builder.parse(new ByteArrayInputStream(xml));
        } catch (SAXException e) {
            String message = String.valueOf(e.getMessage());
            if (message.contains("DOCTYPE")) {
                throw new SamlValidationException(SamlErrorCode.DTD_NOT_ALLOWED, "the parser refused a DOCTYPE declaration");
            }
            throw new SamlValidationException(SamlErrorCode.MALFORMED_RESPONSE_DATA, "not well-formed XML ["
                    + truncate(message) + "]", e);
        } catch (IOException e) {
            throw new SamlValidationException(SamlErrorCode.MALFORMED_RESPONSE_DATA, "unreadable XML [" + truncate(e.getMessage()) + "]");
        } finally {
            giveBack(builder);
        }
    }

    private DocumentBuilder borrow() {
        DocumentBuilder builder = pool.poll();
        if (builder != null) {
            pooled.decrementAndGet();
            return builder;
        }
        try {
            synchronized (factory) {
                builder = factory.newDocumentBuilder();
            }
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
        builder.setErrorHandler(SILENT);
        builder.setEntityResolver((publicId, systemId) -> {
            throw new SAXException("external entities are never resolved");
        });
        return builder;
    }

    private void giveBack(DocumentBuilder builder) {
        builder.reset();
        builder.setErrorHandler(SILENT);
        builder.setEntityResolver((publicId, systemId) -> {
            throw new SAXException("external entities are never resolved");
        });
        if (pooled.incrementAndGet() <= POOL_LIMIT) {
            pool.offer(builder);
        } else {
            pooled.decrementAndGet();
        }
    }

    /** Where {@code needle} (which starts with '<') first occurs, or -1: one pass, one comparison per byte. */
    private static int indexOf(byte[] haystack, byte[] needle) {
        byte first = needle[0];
        for (int i = 0, last = haystack.length - needle.length; i <= last; i++) {
            if (haystack[i] == first && Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }

    static String truncate(String text) {
        if (text == null) {
            return "";
        }
        String oneLine = text.replaceAll("[\\r\\n\\t]+", " ");
        return oneLine.length() > 200 ? oneLine.substring(0, 200) + "..." : oneLine;
    }
}
