#!/usr/bin/env node
// Placeholder: generates protobufjs static code from proto/*.proto (owned by the pdu work).
'use strict';
