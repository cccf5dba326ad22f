package dev.portcullis.devidp;

import java.io.ByteArrayInputStream;
import java.io.IOException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Document;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Parses XML that arrived from a browser. A DOCTYPE is refused outright (no entity expansion, no
 * external entities or DTDs: XXE and "billion laughs"), XInclude is off, and the parser is
 * namespace-aware so that elements are matched by namespace, never by prefix. Thread-safe: the
 * factory is configured once and a new builder is made per document.
 */
final class HardenedXml {

    private final DocumentBuilderFactory factory;

    HardenedXml() {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            this.factory = f;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser lacks a required security feature", e);
        }
    }

    /** @throws RequestRejected {@link Rejection#MALFORMED_REQUEST} for anything that is not plain well-formed XML */
    Document parse(byte[] xml) throws RequestRejected {
        try {
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(new DefaultHandler()); // no parser chatter on stderr
            return builder.parse(new ByteArrayInputStream(xml));
        } catch (SAXException | IOException | ParserConfigurationException e) {
            throw new RequestRejected(Rejection.MALFORMED_REQUEST, "the XML does not parse: " + e.getMessage(), e);
        }
    }
}
