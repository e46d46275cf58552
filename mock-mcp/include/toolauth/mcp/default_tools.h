#pragma once
// The tools every mount carries:
//   whoami      the principal as the server saw it (auth kind, key id, claims, a hash of the
//               token's jti; never the token), as text and structuredContent
//   echo        {message} -> message
//   notes_add   {text}    -> stores a note for the calling principal
//   notes_list  {}        -> the calling principal's notes, and only theirs
//   fail        {mode: "tool"|"protocol", message?, code?} -> isError, or a JSON-RPC error
//   slow        {seconds, steps?} -> progress notifications while it waits on the shared clock

#include "toolauth/mcp/catalog.h"

namespace toolauth::mcp {

Catalog default_tools();

}  // namespace toolauth::mcp
