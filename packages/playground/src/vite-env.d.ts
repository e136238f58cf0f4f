// Types for what vite gives modules: import.meta.glob and CSS imports.
/// <reference types="vite/client" />
