#!/usr/bin/env node
// Placeholder: builds native/ with cmake-js (owned by the addon work).
'use strict';
