/** The node card's box (fixed: React Flow measures it once; the layout spaces cards by it). */
export const NODE_WIDTH = 240;
export const NODE_HEIGHT = 76;
