package io.topogpu.scheduler.extender;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeList;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Streaming readers of the two node forms of {@link ExtenderArgs} that stop at the request's node
 * limit ({@link #MAX_NODES}, set per request by {@link WireCodec}): a body within the byte limit
 * can still name millions of nodes, and decoding them all would take many times the body's size
 * in heap. The error names the field, the limit and why.
 */
final class BoundedNodes {
  /** Reader attribute: the most node entries one request may carry (an {@link Integer}). */
  static final String MAX_NODES = "topogpu.maxNodes";

  private BoundedNodes() {}

  static int limit(DeserializationContext ctxt) {
    Object v = ctxt.getAttribute(MAX_NODES);
    return v instanceof Integer i ? i : Integer.MAX_VALUE;
  }

  static void check(DeserializationContext ctxt, int count)
      throws IOException {
    int max = limit(ctxt);
    if (count > max) {
      ctxt.reportInputMismatch(String.class, "more than %d entries; this extender accepts at"
          + " most %d nodes per request (twice the nodes it knows, at least %d)", max, max,
          WireCodec.MIN_NODE_LIMIT);
    }
  }

  /** {@code NodeNames}: an array of strings, at most the limit. */
  static final class Names extends JsonDeserializer<List<String>> {
    @Override
    public List<String> deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (!p.isExpectedStartArrayToken()) {
        return ctxt.reportInputMismatch(List.class, "expected an array of node names, got %s",
            p.currentToken());
      }
      List<String> names = new ArrayList<>();
      for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
        check(ctxt, names.size() + 1);
        try {
          names.add(t == JsonToken.VALUE_NULL ? null : ctxt.readValue(p, String.class));
        } catch (JsonMappingException e) {
          throw JsonMappingException.wrapWithPath(e, names, names.size());
        }
      }
      return names;
    }
  }

  /** {@code Nodes}: a NodeList whose {@code items} are read one by one, at most the limit. */
  static final class Items extends JsonDeserializer<NodeList> {
    @Override
    public NodeList deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (!p.isExpectedStartObjectToken()) {
        return ctxt.reportInputMismatch(NodeList.class, "expected a NodeList object, got %s",
            p.currentToken());
      }
      NodeList list = new NodeList();
      for (String key = p.nextFieldName(); key != null; key = p.nextFieldName()) {
        JsonToken value = p.nextToken();
        if (!key.equalsIgnoreCase("items")) {
          p.skipChildren();
        } else if (value == JsonToken.VALUE_NULL) {
          list.setItems(null);
        } else {
          try {
            list.setItems(items(p, ctxt, value));
          } catch (JsonMappingException e) {
            throw JsonMappingException.wrapWithPath(e, list, "items");
          }
        }
      }
      return list;
    }

    private static List<Node> items(JsonParser p, DeserializationContext ctxt, JsonToken start)
        throws IOException {
      if (start != JsonToken.START_ARRAY) {
        return ctxt.reportInputMismatch(List.class, "expected an array of Nodes, got %s", start);
      }
      List<Node> items = new ArrayList<>();
      for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
        check(ctxt, items.size() + 1);
        try {
          items.add(t == JsonToken.VALUE_NULL ? null : ctxt.readValue(p, Node.class));
        } catch (JsonMappingException e) {
          throw JsonMappingException.wrapWithPath(e, items, items.size());
        }
      }
      return items;
    }
  }
}
