#pragma once
// The tools, resources and prompts the official MCP conformance suite's server scenarios look
// for (reference/mcp.md §5.4), carried by the conformance mount next to the default tools.

#include "toolauth/mcp/catalog.h"

namespace toolauth::mcp {

Catalog conformance_catalog();

}  // namespace toolauth::mcp
